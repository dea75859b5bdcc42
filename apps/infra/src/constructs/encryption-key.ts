import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region/index.js";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { Construct } from "constructs";
import { checkovSkips } from "./checkov.js";
import { type PolicyStatement, StatementCollector } from "./policy-statements.js";

export interface EncryptionKeyProps {
  alias: string;
  description: string;
}

/**
 * The stack's customer managed KMS key, rotated yearly. Services get access through {@link grant}, each
 * limited by a condition to this stack's resources. The policy is its own resource, so a grant can name
 * a resource that is itself encrypted with the key without a dependency cycle.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  private readonly policy: StatementCollector;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    this.partition = new DataAwsPartition(this, "partition").partition;
    this.region = new DataAwsRegion(this, "region").region;
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.policy = new StatementCollector(this, "policy-document", [
      {
        // The default key policy AWS writes; without it the key could become unmanageable.
        // In a key policy, resource "*" means this key: a key policy cannot name its own key.
        sid: "AccountAdministers",
        principals: [{ type: "AWS", identifiers: [`arn:${this.partition}:iam::${this.accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
    ]);
    checkovSkips(this.policy.document, [
      "CKV_AWS_109: a key policy's resource \"*\" is the key itself; kms:* for the account root is AWS's default key policy, without which the key could become unmanageable.",
      "CKV_AWS_111: as CKV_AWS_109: the resource of a key policy statement is always this key.",
      'CKV_AWS_356: as CKV_AWS_109: a key policy cannot name its own ARN, "*" means this key.',
    ]);
    new KmsKeyPolicy(this, "key-policy", { keyId: this.key.keyId, policy: this.policy.json });
  }

  /** Adds a statement to the key policy (resources are always this key). */
  grant(statement: Omit<PolicyStatement, "resources">): void {
    this.policy.add({ ...statement, resources: ["*"] });
  }
}
