import type { TerraformJson } from "./synth.js";

/** `type.name` of a managed resource, or `data.type.name`, as Terraform addresses them. */
export type Address = string;

const REFERENCE = /\$\{([^}]*)\}/g;
const ADDRESS =
  /\b(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|aws_[a-z0-9_]+\.[A-Za-z0-9_-]+|grafana_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;

/** Every resource and data source of a stack, by address, without cdktf's "//" metadata. */
export function blocks(json: TerraformJson): Map<Address, Record<string, unknown>> {
  const out = new Map<Address, Record<string, unknown>>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) out.set(`${type}.${name}`, body);
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const [name, body] of Object.entries(byName)) out.set(`data.${type}.${name}`, body);
  }
  return out;
}

/** The addresses a block names in its interpolations and its depends_on. */
export function edges(body: Record<string, unknown>): Set<Address> {
  const { "//": _metadata, depends_on: dependsOn, ...rest } = body;
  const found = new Set<Address>();
  for (const match of JSON.stringify(rest).matchAll(REFERENCE)) {
    for (const address of (match[1] ?? "").matchAll(ADDRESS)) found.add(address[1] as string);
  }
  for (const address of (dependsOn as string[] | undefined) ?? []) found.add(address);
  return found;
}

/** The dependency graph Terraform builds from references and depends_on. */
export class TerraformGraph {
  readonly blocks: Map<Address, Record<string, unknown>>;
  private readonly direct = new Map<Address, Set<Address>>();
  private readonly closure = new Map<Address, Set<Address>>();

  constructor(json: TerraformJson) {
    this.blocks = blocks(json);
    for (const [address, body] of this.blocks) this.direct.set(address, edges(body));
  }

  /** Everything `address` waits for, directly or through what it waits for. */
  dependencies(address: Address): Set<Address> {
    const known = this.closure.get(address);
    if (known !== undefined) return known;
    const seen = new Set<Address>();
    const stack = [...(this.direct.get(address) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as Address;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.direct.get(next) ?? []));
    }
    this.closure.set(address, seen);
    return seen;
  }

  /** Addresses whose block names `target` (by reference, not through another block). */
  referrers(target: Address): Address[] {
    return [...this.direct].filter(([, to]) => to.has(target)).map(([from]) => from);
  }

  /** Managed resources of one type. */
  ofType(type: string): Address[] {
    return [...this.blocks.keys()].filter((a) => a.startsWith(`${type}.`));
  }
}
