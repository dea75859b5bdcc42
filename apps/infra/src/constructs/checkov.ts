import type { TerraformResource } from "cdktf";

/**
 * Records reasoned checkov suppressions on a resource. Checkov reads `checkov:skip=ID:reason` from any line
 * inside a resource's block; in Terraform JSON that is a string under the resource's `//` comment key,
 * which Terraform and OpenTofu ignore. Each entry is `CKV_ID: reason`; a reason is required.
 */
export function checkovSkips(resource: TerraformResource, skips: readonly string[]): void {
  if (skips.length === 0) return;
  const lines = skips.map((skip) => {
    const match = /^(CKV2?_[A-Z0-9]+_\d+):\s*(\S.*)$/.exec(skip);
    if (match === null) throw new Error(`checkov skip "${skip}" must read "CKV_ID: reason"`);
    return `checkov:skip=${match[1]}:${match[2]}`;
  });
  resource.addOverride("//.checkov", lines);
}
