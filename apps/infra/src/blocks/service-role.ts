import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct } from "constructs";
import type { IGrantable } from "./grants.js";
import { type PolicyStatement, policyDocument, StatementCollector } from "./policy-statements.js";

export interface ServiceRoleProps {
  /** The role's name; also its inline policy's. */
  readonly name: string;
  /** The service principal that assumes the role, e.g. `tasks.apprunner.amazonaws.com`. */
  readonly service: string;
  /**
   * The account the assuming service acts for (confused-deputy guard), when the service sets it.
   * @default no condition
   */
  readonly sourceAccount?: string | undefined;
  /**
   * The first statements of its inline policy; grants add more ({@link ServiceRole.addToPrincipalPolicy}).
   * @default none
   */
  readonly statements?: PolicyStatement[] | undefined;
  /**
   * AWS managed policies, only where AWS requires its own (ECS Express's infrastructure role).
   * @default none
   */
  readonly managedPolicyArns?: string[] | undefined;
}

/**
 * A role one AWS service assumes, with an inline least-privilege policy made of the statements it was
 * given and granted, in that order. A role with no statement has no inline policy.
 */
export class ServiceRole extends Construct implements IGrantable {
  readonly role: IamRole;
  private readonly roleName: string;
  private permissions?: StatementCollector;

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
    this.roleName = props.name;
    this.role = new IamRole(this, "role", { name: props.name, assumeRolePolicy: trust.json });
    for (const statement of props.statements ?? []) this.addToPrincipalPolicy(statement);
    for (const [i, arn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    }
  }

  /** Adds a statement to the role's inline policy, which the first statement creates. */
  addToPrincipalPolicy(statement: PolicyStatement): void {
    if (statement.resources === undefined && statement.notResources === undefined)
      throw new Error(`statement "${statement.sid}" names no resource; only trust policies may omit them`);
    if (this.permissions === undefined) {
      this.permissions = new StatementCollector(this, "permissions");
      new IamRolePolicy(this, "policy", {
        name: this.roleName,
        role: this.role.id,
        policy: this.permissions.json,
      });
    }
    this.permissions.add(statement);
  }

  /** The role's ARN. */
  get arn(): string {
    return this.role.arn;
  }
}
