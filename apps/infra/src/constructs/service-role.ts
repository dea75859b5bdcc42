import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy-statements.js";

export interface ServiceRoleProps {
  name: string;
  /** The service principal that assumes the role, e.g. `tasks.apprunner.amazonaws.com`. */
  service: string;
  /** The account the assuming service acts for (confused-deputy guard), when the service sets it. */
  sourceAccount?: string;
  statements: PolicyStatement[];
  /** AWS managed policies, only where AWS requires its own (ECS Express's infrastructure role). */
  managedPolicyArns?: string[];
}

/** A role one AWS service assumes, with an inline least-privilege policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const trust = policyDocument(this, "trust", [
      {
        sid: "ServiceAssumes",
        principals: [{ type: "Service", identifiers: [props.service] }],
        actions: ["sts:AssumeRole"],
        ...(props.sourceAccount === undefined
          ? {}
          : {
              conditions: [
                { test: "StringEquals", variable: "aws:SourceAccount", values: [props.sourceAccount] },
              ],
            }),
      },
    ]);
    this.role = new IamRole(this, "role", { name: props.name, assumeRolePolicy: trust.json });
    if (props.statements.length > 0) {
      const permissions = policyDocument(this, "permissions", props.statements);
      new IamRolePolicy(this, "policy", { name: props.name, role: this.role.id, policy: permissions.json });
    }
    for (const [i, arn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    }
  }

  get arn(): string {
    return this.role.arn;
  }
}
