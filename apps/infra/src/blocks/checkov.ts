import { TerraformDataSource, type TerraformElement, TerraformStack } from "cdktf";

/**
 * Records reasoned checkov suppressions on a resource or data source. Checkov reads `checkov:skip=ID:reason` from any line
 * inside a resource's block; in Terraform JSON that is a string under the resource's `//` comment key,
 * which Terraform and OpenTofu ignore. Each entry is `CKV_ID: reason`; a reason is required.
 */
export function checkovSkips(resource: TerraformElement, skips: readonly string[]): void {
  if (skips.length === 0) return;
  const lines = skips.map((skip) => {
    const match = /^(CKV2?_[A-Z0-9]+_\d+):\s*(\S.*)$/.exec(skip);
    if (match === null) throw new Error(`checkov skip "${skip}" must read "CKV_ID: reason"`);
    return `checkov:skip=${match[1]}:${match[2]}`;
  });
  if (resource instanceof TerraformDataSource) {
    // cdktf rewrites a data source's "//" block, so its suppressions go to the stack's root "//" block,
    // keyed by the data source's logical id.
    const stack = TerraformStack.of(resource);
    stack.addOverride(`//.checkov.${stack.getLogicalId(resource)}`, lines);
    return;
  }
  resource.addOverride("//.checkov", lines);
}

/** Suppressions as synthesized: `checkov:skip=ID:reason` lines, by check id. */
export function parseCheckovSkips(lines: unknown): Map<string, string> {
  const skips = new Map<string, string>();
  if (!Array.isArray(lines)) return skips;
  for (const line of lines) {
    const match = /^checkov:skip=([A-Z0-9_]+):(.*)$/.exec(String(line));
    if (match?.[1] !== undefined) skips.set(match[1], (match[2] ?? "").trim());
  }
  return skips;
}

/** The suppressions recorded on a synthesized resource, by check id. */
export function readCheckovSkips(block: { "//"?: { checkov?: unknown } }): Map<string, string> {
  return parseCheckovSkips(block["//"]?.checkov);
}
