import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformStack, Testing } from "cdktf";
import { AwsScope } from "../../src/blocks/aws-scope.js";
import { EncryptionKey } from "../../src/blocks/encryption-key.js";
import type { Permissions } from "../../src/blocks/grants.js";
import { Naming } from "../../src/blocks/naming.js";
import { policyDocument } from "../../src/blocks/policy-statements.js";
import { SecureBucket } from "../../src/blocks/secure-bucket.js";
import type { PolicyStatementJson, TerraformJson } from "../synth.js";

/** What a construct under test is given: a bare stack with a provider, the account scope, a key and a logs bucket. */
export interface FreshStack {
  readonly stack: TerraformStack;
  readonly aws: AwsScope;
  readonly key: EncryptionKey;
  readonly naming: Naming;
  readonly logs: SecureBucket;
}

/** A new stack holding only what the constructs under test need around them. */
export function freshStack(): FreshStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const aws = new AwsScope(stack, "scope");
  const key = new EncryptionKey(stack, "key", { alias: "test-data", description: "test", aws });
  const naming = new Naming({ project: "trackgraph", accountId: "123456789012" }, "test");
  const logs = new SecureBucket(stack, "logs", {
    naming,
    purpose: "logs",
    encryption: { kind: "sse-s3" },
    versioned: true,
    forceDestroy: false,
    noncurrentVersionDays: 7,
  });
  return { stack, aws, key, naming, logs };
}

/** The stack as Terraform JSON. */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** The only resource of a type in the JSON; fails when there is none or more than one. */
export function only(json: TerraformJson, type: string): Record<string, unknown> {
  const found = Object.values(json.resource[type] ?? {});
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}

/** The statements granted to `grantee`, as a policy document in `stack` synthesizes them (references resolved to Terraform expressions). */
export function grantedStatements(stack: TerraformStack, grantee: Permissions): PolicyStatementJson[] {
  policyDocument(stack, "granted", grantee.statements);
  const json = synthJson(stack);
  const documents = json.data.aws_iam_policy_document ?? {};
  const granted = Object.entries(documents).find(([id]) => id.startsWith("granted"));
  if (granted === undefined) throw new Error("the granted policy document was not synthesized");
  return (granted[1] as { statement: PolicyStatementJson[] }).statement;
}
