import {
  DefaultTokenResolver,
  type IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";

/** Resources that name a key or role without using it: policies about them, aliases. */
const NOT_USERS = /^aws_(iam_[a-z_]+|kms_alias|kms_key_policy)$/;
/** What admits a user of a key or a role: the key policy, the role's inline and attached policies. */
const ADMITTERS: Record<string, string[]> = {
  aws_kms_key: ["aws_kms_key_policy"],
  aws_iam_role: ["aws_iam_role_policy", "aws_iam_role_policy_attachment"],
};

/**
 * Orders every resource that uses a CMK after the key policy that admits it, and every resource that runs
 * as a role after the role's policies. Terraform only orders by references, and a user names the key or
 * role, not its policy: on a first apply CloudWatch Logs then refuses a key whose policy is not there yet
 * (terraform-provider-aws #29282), and App Runner, ECS and Lambda start with a role that cannot yet read
 * its image or secrets. One rule for the whole stack, so no construct has to remember it.
 */
export class ApplyOrder implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const stack = node;
    const all = stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
    const resolver = new DefaultTokenResolver(new StringConcat());
    const text = new Map(
      all.map((r) => [r, JSON.stringify(Tokenization.resolve(r.toTerraform(), { scope: stack, resolver }))]),
    );
    const names = (user: TerraformResource, target: TerraformResource) =>
      user !== target && (text.get(user) ?? "").includes(`\${${address(target)}.`);

    const rules: Array<{ target: TerraformResource; admitters: TerraformResource[] }> = [];
    for (const target of all) {
      const types = ADMITTERS[target.terraformResourceType];
      if (types === undefined) continue;
      const admitters = all.filter((r) => types.includes(r.terraformResourceType) && names(r, target));
      if (admitters.length > 0) rules.push({ target, admitters });
    }
    for (const user of all) {
      if (NOT_USERS.test(user.terraformResourceType)) continue;
      const after = rules.filter((rule) => names(user, rule.target)).flatMap((rule) => rule.admitters);
      if (after.length === 0) continue;
      user.dependsOn = [...new Set([...(user.dependsOn ?? []), ...after.map(address)])];
    }
  }
}

function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
