import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "./aws-scope.js";
import { checkovSkips } from "./checkov.js";
import type { IGrantable } from "./grants.js";
import { type PolicyStatement, StatementCollector } from "./policy-statements.js";

export interface EncryptionKeyProps {
  /** The alias, without `alias/`. */
  readonly alias: string;
  /** The key's description. */
  readonly description: string;
  /** The account that administers the key (its root is the key policy's first principal). */
  readonly aws: AwsScope;
}

/** What a grant on the key gives: its sid, the actions, and the service it must come through. */
export interface KeyGrantOptions {
  /** The statement's sid. */
  readonly sid: string;
  /**
   * The KMS actions.
   * @default ["kms:Decrypt"]
   */
  readonly actions?: string[] | undefined;
  /**
   * Only through this service in the stack's region (`kms:ViaService` = `<service>.<region>.amazonaws.com`).
   * @default no condition
   */
  readonly viaService?: string | undefined;
  /**
   * Only for data of these resources: `kms:EncryptionContext:<key>` must match one of the values
   * (StringLike), e.g. `aws:s3:arn` with a bucket's ARN and its objects'.
   * @default no condition
   */
  readonly encryptionContext?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * The stack's customer managed KMS key, rotated yearly. Principals that use it are admitted with
 * {@link grantEncryptDecrypt} and the other grants (identity policies), AWS services with
 * {@link addToResourcePolicy} (the key policy), each limited by a condition to this stack's resources.
 * The policy is its own resource, so a statement can name a resource that is itself encrypted with the
 * key without a dependency cycle.
 */
export class EncryptionKey extends Construct {
  /** The key's ARN. */
  readonly keyArn: string;
  /** The key's id. */
  readonly keyId: string;
  private readonly aws: AwsScope;
  private readonly policy: StatementCollector;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.aws = props.aws;
    const key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: key.keyId });
    this.policy = new StatementCollector(this, "policy-document", [
      {
        // The default key policy AWS writes; without it the key could become unmanageable.
        // In a key policy, resource "*" means this key: a key policy cannot name its own key.
        sid: "AccountAdministers",
        principals: [{ type: "AWS", identifiers: [props.aws.accountRootArn] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
    ]);
    checkovSkips(this.policy.document, [
      "CKV_AWS_109: a key policy's resource \"*\" is the key itself; kms:* for the account root is AWS's default key policy, without which the key could become unmanageable.",
      "CKV_AWS_111: as CKV_AWS_109: the resource of a key policy statement is always this key.",
      'CKV_AWS_356: as CKV_AWS_109: a key policy cannot name its own ARN, "*" means this key.',
    ]);
    new KmsKeyPolicy(this, "key-policy", { keyId: key.keyId, policy: this.policy.json });
  }

  /** Adds a statement to the key policy (resources are always this key). */
  addToResourcePolicy(statement: Omit<PolicyStatement, "resources">): void {
    this.policy.add({ ...statement, resources: ["*"] });
  }

  /**
   * Lets `grantee` use the key: `actions` (Decrypt by default) on this key, through `viaService` and for
   * `encryptionContext` only if given.
   */
  grant(grantee: IGrantable, options: KeyGrantOptions): void {
    const conditions = [
      ...(options.viaService === undefined
        ? []
        : [
            {
              test: "StringEquals",
              variable: "kms:ViaService",
              values: [this.aws.regionalService(options.viaService)],
            },
          ]),
      ...Object.entries(options.encryptionContext ?? {}).map(([key, values]) => ({
        test: "StringLike",
        variable: `kms:EncryptionContext:${key}`,
        values: [...values],
      })),
    ];
    grantee.addToPrincipalPolicy({
      sid: options.sid,
      actions: options.actions ?? ["kms:Decrypt"],
      resources: [this.keyArn],
      ...(conditions.length === 0 ? {} : { conditions }),
    });
  }

  /** Decrypt, through `viaService` only if given. */
  grantDecrypt(grantee: IGrantable, sid: string, viaService?: string): void {
    this.grant(grantee, { sid, viaService });
  }

  /** Decrypt and GenerateDataKey: reading and writing data encrypted with the key. */
  grantEncryptDecrypt(grantee: IGrantable, sid: string): void {
    this.grant(grantee, { sid, actions: ["kms:Decrypt", "kms:GenerateDataKey"] });
  }
}
