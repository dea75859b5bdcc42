import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Puts the bootstrap stack's workload boundary on every role of the stack it is added to. The deploy role
 * may create a role only with that boundary (bootstrap-stack.ts), so a role without it would fail to
 * create: one rule for the stack, not a prop each construct must remember.
 */
export class PermissionsBoundary implements IAspect {
  constructor(private readonly policyArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.policyArn;
  }
}
