import { Construct } from "constructs";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { Naming } from "../blocks/naming.js";
import { SecureBucket } from "../blocks/secure-bucket.js";

export interface StorageProps {
  /** Names the buckets (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** Encrypts the site and data buckets (the logs bucket uses SSE-S3: S3 access logging needs it). */
  readonly key: EncryptionKey;
  /** Days before access logs (CloudFront and S3) expire. */
  readonly logRetentionDays: number;
  /**
   * `destroy` may empty the buckets (a disposable stack).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/** Prefix under which S3 server access logs of the other buckets land in the logs bucket. */
export const S3_ACCESS_LOG_PREFIX = "s3-access/";

/**
 * The three buckets: the static site, the access logs (CloudFront and S3), and the Spotify data.
 * All block public access, enforce TLS, and use bucket-owner-enforced ownership (no ACLs: CloudFront
 * delivers logs with standard logging v2, which needs none).
 */
export class Storage extends Construct {
  readonly site: SecureBucket;
  readonly logs: SecureBucket;
  readonly spotifyData: SecureBucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { naming, key } = props;

    // S3 server access logging writes only to SSE-S3 buckets, so the logs bucket cannot use the CMK.
    this.logs = new SecureBucket(this, "logs", {
      naming,
      purpose: "logs",
      encryption: { kind: "sse-s3" },
      versioned: true,
      forceDestroy: props.disposable ?? false,
      noncurrentVersionDays: 7,
      expireCurrentAfterDays: props.logRetentionDays,
      checkovSkips: [
        "CKV_AWS_145: S3 server access logging only delivers to SSE-S3 buckets, so this bucket uses AES256.",
        "CKV_AWS_144: access logs are rebuilt by re-delivery; cross-region replication would double their cost.",
      ],
    });
    this.site = new SecureBucket(this, "site", {
      naming,
      purpose: "site",
      encryption: { kind: "kms", key },
      versioned: true,
      forceDestroy: props.disposable ?? false,
      noncurrentVersionDays: 30,
      accessLogsTo: this.logs,
      checkovSkips: [
        "CKV_AWS_144: the site is rebuilt from the repository by a deploy; replication adds cost and no recovery.",
        "CKV2_AWS_62: nothing reacts to site uploads; CloudFront reads the bucket on demand.",
      ],
    });
    this.spotifyData = new SecureBucket(this, "spotify-data", {
      naming,
      purpose: "spotify-data",
      encryption: { kind: "kms", key },
      versioned: true,
      forceDestroy: props.disposable ?? false,
      noncurrentVersionDays: 30,
      accessLogsTo: this.logs,
      checkovSkips: [
        "CKV_AWS_144: listeners' exports are re-uploadable; versioning protects against deletion within the region.",
        "CKV2_AWS_62: the backend reads exports on request; no event processing is needed.",
      ],
    });
  }
}
