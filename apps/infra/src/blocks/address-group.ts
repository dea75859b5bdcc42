import { TerraformElement } from "cdktf";
import { Construct, type IConstruct, type Node } from "constructs";

const GROUP = Symbol.for("@trackgraph/infra.AddressGroup");

/**
 * A construct that only groups code: its id is left out of the Terraform addresses of what it holds, so
 * resources keep the logical ids they had before the group existed (cdktf derives a logical id from the
 * construct path). Moving resources into a group therefore moves nothing in Terraform's state. The stacks
 * honour it through {@link withoutAddressGroups}; a validation refuses two resources that would then
 * share an address.
 */
export class AddressGroup extends Construct {
  /** True for an {@link AddressGroup}, across copies of this module. */
  static isAddressGroup(x: unknown): x is AddressGroup {
    return typeof x === "object" && x !== null && GROUP in x;
  }

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, GROUP, { value: true });
    this.node.addValidation({ validate: () => duplicateAddresses(addressParent(this)) });
  }
}

/** The nearest scope that is not a group: where this group's children are addressed. */
function addressParent(group: AddressGroup): IConstruct {
  let scope = group.node.scope;
  while (scope !== undefined && AddressGroup.isAddressGroup(scope)) scope = scope.node.scope;
  if (scope === undefined) throw new Error(`address group ${group.node.path} has no scope`);
  return scope;
}

/** The path below `scope` without groups, as Terraform addresses it. */
function addressedPath(scope: IConstruct, node: IConstruct): string {
  const below = node.node.scopes.slice(scope.node.scopes.length);
  return below
    .filter((s): boolean => !AddressGroup.isAddressGroup(s))
    .map((s) => s.node.id)
    .join("/");
}

/** One message per address that two Terraform elements below `scope` would share once groups are left out. */
export function duplicateAddresses(scope: IConstruct): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const node of scope.node.findAll()) {
    if (!TerraformElement.isTerraformElement(node)) continue;
    const address = addressedPath(scope, node);
    const other = seen.get(address);
    if (other !== undefined)
      errors.push(`${node.node.path} and ${other} would have the same Terraform address`);
    else seen.set(address, node.node.path);
  }
  return errors;
}

/**
 * What a stack's `allocateLogicalId` should see for `element`: the element itself, or, when a group is
 * on its path, a node whose scopes leave the groups out (cdktf reads only `scopes` and each one's id).
 */
export function withoutAddressGroups(element: TerraformElement | Node): TerraformElement | Node {
  const node = "scopes" in element ? element : element.node;
  if (!node.scopes.some((s) => AddressGroup.isAddressGroup(s))) return element;
  return { scopes: node.scopes.filter((s): boolean => !AddressGroup.isAddressGroup(s)) } as unknown as Node;
}
