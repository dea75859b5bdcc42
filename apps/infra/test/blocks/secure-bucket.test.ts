import { describe, expect, it } from "vitest";
import { Permissions } from "../../src/blocks/grants.js";
import { SecureBucket } from "../../src/blocks/secure-bucket.js";
import { freshStack, grantedStatements, only, synthJson } from "../features/fresh-stack.js";
import { resources } from "../synth.js";

/** A KMS bucket that logs to the fresh stack's logs bucket. */
function dataBucket() {
  const fresh = freshStack();
  const data = new SecureBucket(fresh.stack, "data", {
    naming: fresh.naming,
    purpose: "data",
    encryption: { kind: "kms", key: fresh.key },
    versioned: true,
    forceDestroy: false,
    noncurrentVersionDays: 30,
    accessLogsTo: fresh.logs,
  });
  return { ...fresh, data };
}

describe("SecureBucket", () => {
  it("blocks public access, enforces the owner, encrypts with the key and denies plain HTTP", () => {
    const { stack } = dataBucket();
    const json = synthJson(stack);
    for (const block of resources(json, "aws_s3_bucket_public_access_block"))
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    const encryption = resources(json, "aws_s3_bucket_server_side_encryption_configuration").map(
      (r) => (r.rule as Array<{ apply_server_side_encryption_by_default: { sse_algorithm: string } }>)[0],
    );
    expect(encryption.map((r) => r?.apply_server_side_encryption_by_default.sse_algorithm).sort()).toEqual([
      "AES256",
      "aws:kms",
    ]);
    const sids = Object.values(json.data.aws_iam_policy_document ?? {}).flatMap((d) =>
      (d as { statement: Array<{ sid: string }> }).statement.map((s) => s.sid),
    );
    expect(sids.filter((sid) => sid === "DenyInsecureTransport")).toHaveLength(2);
    // The logs bucket admits S3's logging service for the data bucket's prefix only.
    expect(sids).toContain("S3ServerAccessLogsFromdata");
    expect(only(json, "aws_s3_bucket_logging")).toMatchObject({ target_prefix: "s3-access/data/" });
  });

  it("grants reading (list, objects under a prefix, decrypt through S3) in that order", () => {
    const { stack, data } = dataBucket();
    const reader = new Permissions();
    data.grantRead(reader, "Data", "exports/");
    const statements = grantedStatements(stack, reader);
    expect(statements.map((s) => [s.sid, s.actions])).toEqual([
      ["ListData", ["s3:ListBucket"]],
      ["ReadData", ["s3:GetObject"]],
      ["DecryptData", ["kms:Decrypt"]],
    ]);
    expect(statements[1]?.resources?.[0]).toMatch(/\.arn\}\/exports\/\*$/);
    expect(statements[2]?.condition?.[0]).toMatchObject({ variable: "kms:ViaService" });
  });

  it("grants no decrypt on an SSE-S3 bucket", () => {
    const { stack, logs } = dataBucket();
    const reader = new Permissions();
    logs.grantRead(reader, "Logs");
    expect(grantedStatements(stack, reader).map((s) => s.sid)).toEqual(["ListLogs", "ReadLogs"]);
  });
});
