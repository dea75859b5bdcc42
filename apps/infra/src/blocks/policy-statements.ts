import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import { Lazy } from "cdktf";
import type { Construct } from "constructs";

export interface PolicyCondition {
  test: string;
  variable: string;
  values: string[];
}

/** One IAM statement, written the way IAM reads it. */
export interface PolicyStatement {
  sid: string;
  effect?: "Allow" | "Deny";
  principals?: Array<{ type: "Service" | "AWS" | "Federated" | "*"; identifiers: string[] }>;
  /** Empty with `notActions`: the statement then covers every action but those. */
  actions: string[];
  notActions?: string[];
  /** Absent only in trust policies, which name no resource. */
  resources?: string[];
  /** Instead of `resources`: every resource but these (deny statements that spare one resource). */
  notResources?: string[];
  conditions?: PolicyCondition[];
}

function toTerraform(statement: PolicyStatement): Record<string, unknown> {
  return {
    sid: statement.sid,
    effect: statement.effect ?? "Allow",
    ...(statement.notActions === undefined
      ? { actions: statement.actions }
      : { not_actions: statement.notActions }),
    ...(statement.resources === undefined ? {} : { resources: statement.resources }),
    ...(statement.notResources === undefined ? {} : { not_resources: statement.notResources }),
    ...(statement.principals === undefined ? {} : { principals: statement.principals }),
    ...(statement.conditions === undefined ? {} : { condition: statement.conditions }),
  };
}

/**
 * A policy document whose statements are read at synth time, so constructs created later (a distribution,
 * a function) can still add the statement that names them to a policy that already exists.
 */
export class StatementCollector {
  private readonly statements: PolicyStatement[] = [];
  readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, initial: PolicyStatement[] = []) {
    this.statements.push(...initial);
    this.document = new DataAwsIamPolicyDocument(scope, id, {
      statement: Lazy.anyValue({ produce: () => this.statements.map(toTerraform) }),
    });
  }

  add(statement: PolicyStatement): void {
    if (this.statements.some((s) => s.sid === statement.sid))
      throw new Error(`duplicate policy statement sid "${statement.sid}"`);
    this.statements.push(statement);
  }

  get json(): string {
    return this.document.json;
  }
}

/** A policy document whose statements are all known now. Trust policies (sts:*) alone may omit resources. */
export function policyDocument(
  scope: Construct,
  id: string,
  statements: PolicyStatement[],
): DataAwsIamPolicyDocument {
  for (const s of statements) {
    if (
      s.resources === undefined &&
      s.notResources === undefined &&
      !s.actions.every((a) => a.startsWith("sts:"))
    ) {
      throw new Error(`statement "${s.sid}" names no resource; only trust policies (sts:*) may omit them`);
    }
  }
  return new StatementCollector(scope, id, statements).document;
}
