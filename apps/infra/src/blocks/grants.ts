import type { PolicyStatement } from "./policy-statements.js";

/**
 * Something that can be given permissions: a role, or a list of statements a role is made from later.
 * Resources grant to it (`bucket.grantRead(role, ...)`), in the order the grants are made: that order is
 * the order of the statements in the policy, which `infra:diff` compares.
 */
export interface IGrantable {
  /** Adds an identity-policy statement (its `sid` must be new to the policy). */
  addToPrincipalPolicy(statement: PolicyStatement): void;
}

/**
 * Statements gathered before the role that gets them exists (the service constructs make their roles):
 * grant to it, then hand {@link statements} to the construct.
 */
export class Permissions implements IGrantable {
  private readonly list: PolicyStatement[] = [];

  constructor(...initial: PolicyStatement[]) {
    for (const statement of initial) this.addToPrincipalPolicy(statement);
  }

  addToPrincipalPolicy(statement: PolicyStatement): void {
    if (this.list.some((s) => s.sid === statement.sid))
      throw new Error(`duplicate policy statement sid "${statement.sid}"`);
    this.list.push(statement);
  }

  /** The statements, in the order they were granted. */
  get statements(): PolicyStatement[] {
    return [...this.list];
  }
}
