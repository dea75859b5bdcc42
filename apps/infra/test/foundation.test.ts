import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { resources, synthStack } from "./synth.js";

describe("stack foundation", () => {
  it("tags every taggable resource through the provider's default tags", () => {
    const { json } = synthStack({ owner: "listening-team", tags: { "cost-center": "music" } }, "staging");
    expect(json.provider.aws?.[0]).toMatchObject({
      region: "us-east-1",
      default_tags: [
        {
          tags: { project: "trackgraph", stack: "staging", owner: "listening-team", "cost-center": "music" },
        },
      ],
    });
  });

  it("pins the account when the config names one", () => {
    const { json } = synthStack({ accountId: "123456789012" });
    expect(json.provider.aws?.[0]).toMatchObject({ allowed_account_ids: ["123456789012"] });
  });

  it("keeps local state, with a relative path, when no state bucket is configured", () => {
    const { json } = synthStack({}, "dev");
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
  });

  it("uses the S3 backend with native locking and encryption when a state bucket is configured", () => {
    const { json } = synthStack(
      { state: { bucket: "tf-state-123", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" } },
      "prod",
    );
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "tf-state-123",
        key: "trackgraph/prod.tfstate",
        region: "us-east-1",
        encrypt: true,
        kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/abc",
        use_lockfile: true,
      },
    });
  });

  it("makes four private buckets (site, logs, data, Athena's results)", () => {
    const { text, json } = synthStack();
    expect(resources(json, "aws_s3_bucket")).toHaveLength(4);
    expect(
      Testing.toHaveResourceWithProperties(text, S3Bucket.tfResourceType, {
        bucket_prefix: "trackgraph-test-site-",
      }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(text, S3BucketPublicAccessBlock.tfResourceType, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ).toBe(true);
  });
});
