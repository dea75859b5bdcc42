import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import { Construct } from "constructs";
import { checkovSkips } from "./checkov.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { IGrantable } from "./grants.js";
import type { Naming } from "./naming.js";
import { type PolicyStatement, StatementCollector } from "./policy-statements.js";

export type BucketEncryption = { kind: "sse-s3" } | { kind: "kms"; key: EncryptionKey };

export interface SecureBucketProps {
  /** Makes the bucket's name (`<project>-<stack>-<purpose>`, with the account id when pinned). */
  readonly naming: Naming;
  /** What the bucket holds: its name's suffix and its access-log prefix. */
  readonly purpose: string;
  /** SSE-S3, or the stack's CMK (with a bucket key). */
  readonly encryption: BucketEncryption;
  /** Keep object versions (noncurrent ones expire after {@link noncurrentVersionDays}). */
  readonly versioned: boolean;
  /** `destroy` may empty the bucket (disposable stacks only). */
  readonly forceDestroy: boolean;
  /** Noncurrent versions expire after this many days. */
  readonly noncurrentVersionDays: number;
  /**
   * Current objects expire after this many days (for buckets of transient data such as logs).
   * @default never
   */
  readonly expireCurrentAfterDays?: number | undefined;
  /**
   * Server access logs go to this bucket under `s3-access/<purpose>/`.
   * @default no access logs
   */
  readonly accessLogsTo?: SecureBucket | undefined;
  /**
   * Reasoned checkov suppressions, `CKV_ID: reason`.
   * @default none
   */
  readonly checkovSkips?: string[] | undefined;
}

/**
 * A private S3 bucket with everything a data bucket needs: public access blocked, ACLs disabled
 * (bucket owner enforced), encryption by default, TLS-only policy, versioning, lifecycle and access logs.
 * Grants: {@link grantRead} (identity policies), {@link addToResourcePolicy} (the bucket policy).
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly encryption: BucketEncryption;
  private readonly policy: StatementCollector;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.encryption = props.encryption;
    this.bucket = new S3Bucket(this, "bucket", {
      ...props.naming.bucket(props.purpose),
      forceDestroy: props.forceDestroy,
    });
    checkovSkips(this.bucket, [
      // The bucket's sub-resources below satisfy these; checkov's graph does not always connect them.
      ...(props.checkovSkips ?? []),
    ]);
    const bucket = this.bucket.id;
    const access = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket,
      rule: [
        props.encryption.kind === "kms"
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.encryption.key.keyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    if (props.versioned) {
      new S3BucketVersioning(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          ...(props.expireCurrentAfterDays === undefined
            ? {}
            : { expiration: [{ days: props.expireCurrentAfterDays, expiredObjectDeleteMarker: false }] }),
        },
      ],
    });
    if (props.accessLogsTo !== undefined) {
      const targetPrefix = `s3-access/${props.purpose}/`;
      new S3BucketLogging(this, "access-logs", {
        bucket,
        targetBucket: props.accessLogsTo.bucket.id,
        targetPrefix,
      });
      props.accessLogsTo.allowAccessLogsFrom(this, props.purpose, targetPrefix);
    }
    this.policy = new StatementCollector(this, "policy-document", [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [this.bucket.arn, `${this.bucket.arn}/*`],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: this.policy.json,
      // A policy written before the public access block is in place could be judged public and refused.
      dependsOn: [access],
    });
  }

  /** The bucket's ARN. */
  get bucketArn(): string {
    return this.bucket.arn;
  }

  /** The bucket's name. */
  get bucketName(): string {
    return this.bucket.bucket;
  }

  /** ARN pattern of the objects under a key prefix (every object by default). */
  arnForObjects(prefix = ""): string {
    return `${this.bucket.arn}/${prefix}*`;
  }

  /** Adds a statement to the bucket policy (service principals: CloudFront, log delivery). */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  /**
   * Lets `grantee` list the bucket and read the objects under `prefix` (all by default), and, on a KMS
   * bucket, decrypt them through S3: statements `List<name>`, `Read<name>`, `Decrypt<name>`. With
   * `listOnlyPrefix`, listing is limited to keys under `prefix` too (an `s3:prefix` condition).
   */
  grantRead(
    grantee: IGrantable,
    name: string,
    prefix = "",
    options: { listOnlyPrefix?: boolean } = {},
  ): void {
    grantee.addToPrincipalPolicy({
      sid: `List${name}`,
      actions: ["s3:ListBucket"],
      resources: [this.bucketArn],
      ...(options.listOnlyPrefix === true
        ? { conditions: [{ test: "StringLike", variable: "s3:prefix", values: [`${prefix}*`] }] }
        : {}),
    });
    grantee.addToPrincipalPolicy({
      sid: `Read${name}`,
      actions: ["s3:GetObject"],
      resources: [this.arnForObjects(prefix)],
    });
    if (this.encryption.kind === "kms") this.encryption.key.grantDecrypt(grantee, `Decrypt${name}`, "s3");
  }

  /** Lets the S3 logging service write `source`'s server access logs here (bucket-owner-enforced buckets need a policy, not an ACL). */
  private allowAccessLogsFrom(source: SecureBucket, purpose: string, prefix: string): void {
    this.addToResourcePolicy({
      sid: `S3ServerAccessLogsFrom${purpose.replace(/[^A-Za-z0-9]/g, "")}`,
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [this.arnForObjects(prefix)],
      conditions: [{ test: "ArnLike", variable: "aws:SourceArn", values: [source.bucketArn] }],
    });
  }
}
