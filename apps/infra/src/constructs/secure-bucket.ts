import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import { Construct } from "constructs";
import type { Naming } from "../stacks/naming.js";
import { checkovSkips } from "./checkov.js";
import type { EncryptionKey } from "./encryption-key.js";
import { type PolicyStatement, StatementCollector } from "./policy-statements.js";

export type BucketEncryption = { kind: "sse-s3" } | { kind: "kms"; key: EncryptionKey };

export interface SecureBucketProps {
  naming: Naming;
  purpose: string;
  encryption: BucketEncryption;
  versioned: boolean;
  forceDestroy: boolean;
  /** Noncurrent versions expire after this many days. */
  noncurrentVersionDays: number;
  /** Current objects expire after this many days (for buckets of transient data such as logs). */
  expireCurrentAfterDays?: number;
  /** Server access logs go to this bucket under `s3-access/<purpose>/`. */
  accessLogsTo?: SecureBucket;
  /** Reasoned checkov suppressions, `CKV_ID: reason`. */
  checkovSkips?: string[];
}

/**
 * A private S3 bucket with everything a data bucket needs: public access blocked, ACLs disabled
 * (bucket owner enforced), encryption by default, TLS-only policy, versioning, lifecycle and access logs.
 * Other constructs add statements to its policy with {@link allow}.
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
                kmsMasterKeyId: props.encryption.key.key.arn,
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

  get arn(): string {
    return this.bucket.arn;
  }

  get name(): string {
    return this.bucket.bucket;
  }

  /** ARN pattern of the objects under a key prefix. */
  objectsArn(prefix = ""): string {
    return `${this.bucket.arn}/${prefix}*`;
  }

  /** Adds a statement to the bucket policy. */
  allow(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  /** Lets the S3 logging service write `source`'s server access logs here (bucket-owner-enforced buckets need a policy, not an ACL). */
  private allowAccessLogsFrom(source: SecureBucket, purpose: string, prefix: string): void {
    this.allow({
      sid: `S3ServerAccessLogsFrom${purpose.replace(/[^A-Za-z0-9]/g, "")}`,
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [this.objectsArn(prefix)],
      conditions: [{ test: "ArnLike", variable: "aws:SourceArn", values: [source.arn] }],
    });
  }
}
