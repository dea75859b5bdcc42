import { describe, expect, it } from "vitest";
import { policyDocuments, refAt, resourceAt, resources, synthStack } from "./synth.js";

const { json } = synthStack();
const buckets = ["site", "logs", "spotify-data"];

describe("storage", () => {
  it("blocks all public access and disables ACLs on every bucket", () => {
    // The three of Storage, and the Athena results bucket (log-queries), made by the same block.
    expect(resources(json, "aws_s3_bucket_public_access_block")).toHaveLength(4);
    for (const purpose of buckets) {
      expect(
        resourceAt(json, "aws_s3_bucket_public_access_block", `storage/${purpose}/public-access`),
      ).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(
        resourceAt(json, "aws_s3_bucket_ownership_controls", `storage/${purpose}/ownership`),
      ).toMatchObject({
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
    }
  });

  it("encrypts the site and data buckets with the stack's CMK and the logs bucket with SSE-S3", () => {
    for (const purpose of ["site", "spotify-data"]) {
      const sse = resourceAt(
        json,
        "aws_s3_bucket_server_side_encryption_configuration",
        `storage/${purpose}/encryption`,
      );
      expect(sse).toMatchObject({
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: "aws:kms",
              kms_master_key_id: refAt(json, "aws_kms_key", "key/key", "arn"),
            },
            bucket_key_enabled: true,
          },
        ],
      });
    }
    expect(
      resourceAt(json, "aws_s3_bucket_server_side_encryption_configuration", "storage/logs/encryption"),
    ).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  it("versions every bucket and expires old versions and old logs", () => {
    for (const purpose of buckets) {
      expect(resourceAt(json, "aws_s3_bucket_versioning", `storage/${purpose}/versioning`)).toMatchObject({
        versioning_configuration: { status: "Enabled" },
      });
    }
    const logs = resourceAt(json, "aws_s3_bucket_lifecycle_configuration", "storage/logs/lifecycle") as {
      rule: Array<Record<string, unknown>>;
    };
    expect(logs.rule[0]).toMatchObject({
      status: "Enabled",
      expiration: [{ days: 90 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
    const site = resourceAt(json, "aws_s3_bucket_lifecycle_configuration", "storage/site/lifecycle") as {
      rule: Array<Record<string, unknown>>;
    };
    expect(site.rule[0]).toMatchObject({
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    expect(site.rule[0]).not.toHaveProperty("expiration");
  });

  it("denies every request without TLS", () => {
    for (const [id, doc] of Object.entries(policyDocuments(json)).filter(([id]) =>
      id.startsWith("storage_"),
    )) {
      expect(doc.statement[0], id).toMatchObject({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    }
  });

  it("logs access to the site and data buckets into the logs bucket, and lets only S3's logging service write there", () => {
    for (const purpose of ["site", "spotify-data"]) {
      expect(resourceAt(json, "aws_s3_bucket_logging", `storage/${purpose}/access-logs`)).toMatchObject({
        target_bucket: refAt(json, "aws_s3_bucket", "storage/logs/bucket", "id"),
        target_prefix: `s3-access/${purpose}/`,
      });
    }
    const logsPolicy = Object.entries(policyDocuments(json)).find(([id]) =>
      id.startsWith("storage_logs_"),
    )?.[1];
    expect(logsPolicy?.statement.map((s) => s.sid)).toEqual([
      "DenyInsecureTransport",
      "S3ServerAccessLogsFromsite",
      "S3ServerAccessLogsFromspotifydata",
      "CloudFrontLogDeliveryWrites",
      "S3ServerAccessLogsFromathenaresults",
    ]);
  });

  it("keeps buckets on destroy unless the stack asks otherwise", () => {
    expect(resources(synthStack({}).json, "aws_s3_bucket").every((b) => b.force_destroy === false)).toBe(
      true,
    );
    expect(
      resources(synthStack({ disposable: true }).json, "aws_s3_bucket").every(
        (b) => b.force_destroy === true,
      ),
    ).toBe(true);
  });

  it("names buckets with the account when pinned, else lets Terraform add a unique suffix", () => {
    expect(
      resourceAt(
        synthStack({ accountId: "123456789012" }, "prod").json,
        "aws_s3_bucket",
        "storage/site/bucket",
      ),
    ).toMatchObject({
      bucket: "trackgraph-prod-site-123456789012",
    });
    expect(resourceAt(json, "aws_s3_bucket", "storage/site/bucket")).toMatchObject({
      bucket_prefix: "trackgraph-test-site-",
    });
  });
});
