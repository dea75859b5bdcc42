import { describe, expect, it } from "vitest";
import { AthenaWorkgroup } from "../../src/blocks/athena-workgroup.js";
import { Permissions } from "../../src/blocks/grants.js";
import { SecureBucket } from "../../src/blocks/secure-bucket.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";

function workgroupStack() {
  const fresh = freshStack();
  const results = new SecureBucket(fresh.stack, "results", {
    naming: fresh.naming,
    purpose: "athena-results",
    encryption: { kind: "kms", key: fresh.key },
    versioned: true,
    forceDestroy: false,
    noncurrentVersionDays: 1,
    expireCurrentAfterDays: 30,
  });
  const workgroup = new AthenaWorkgroup(fresh.stack, "workgroup", {
    name: "trackgraph-test-logs",
    description: "test",
    resultsBucket: results,
    key: fresh.key,
    bytesScannedCutoffPerQuery: 25_000_000,
    aws: fresh.aws,
  });
  return { ...fresh, workgroup };
}

describe("AthenaWorkgroup", () => {
  it("enforces its settings: results encrypted with the key in the results bucket, a cutoff, metrics", () => {
    const { stack } = workgroupStack();
    const json = synthJson(stack);
    const workgroup = only(json, "aws_athena_workgroup") as {
      name: string;
      force_destroy: boolean;
      configuration: Record<string, unknown> & {
        result_configuration: { output_location: string; encryption_configuration: Record<string, string> };
      };
    };
    expect(workgroup.name).toBe("trackgraph-test-logs");
    expect(workgroup.force_destroy).toBe(false);
    expect(workgroup.configuration.enforce_workgroup_configuration).toBe(true);
    expect(workgroup.configuration.publish_cloudwatch_metrics_enabled).toBe(true);
    expect(workgroup.configuration.bytes_scanned_cutoff_per_query).toBe(25_000_000);
    const results = workgroup.configuration.result_configuration;
    expect(results.output_location).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.results_bucket_[^.]+\.bucket\}\/results\/$/,
    );
    expect(results.encryption_configuration).toEqual({
      encryption_option: "SSE_KMS",
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.key_[^.]+\.arn\}$/),
    });
  });

  it("grants queries on this workgroup only, results under its prefix, and the key through S3", () => {
    const { workgroup } = workgroupStack();
    const grantee = new Permissions();
    workgroup.grantQuery(grantee, "Grafana");
    const bySid = Object.fromEntries(grantee.statements.map((s) => [s.sid, s]));
    expect(Object.keys(bySid)).toEqual([
      "GrafanaRunQueries",
      "GrafanaReadCatalogList",
      "GrafanaResultsBucket",
      "GrafanaResultObjects",
      "GrafanaEncryptResults",
    ]);
    expect(bySid.GrafanaRunQueries?.resources).toEqual([workgroup.workgroupArn]);
    expect(bySid.GrafanaRunQueries?.actions.every((a) => a.startsWith("athena:"))).toBe(true);
    expect(bySid.GrafanaResultObjects?.resources).toEqual([expect.stringMatching(/\/results\/\*$/)]);
    expect(bySid.GrafanaEncryptResults?.conditions?.map((c) => [c.test, c.variable])).toEqual([
      ["StringEquals", "kms:ViaService"],
      ["StringLike", "kms:EncryptionContext:aws:s3:arn"],
    ]);
    // S3 names the bucket in the context with an S3 Bucket Key (ours), the object without one.
    // (Tokens: each read of an attribute is a new one; test/features/log-queries.test.ts sees them resolved.)
    expect(bySid.GrafanaEncryptResults?.conditions?.[1]?.values).toEqual([
      expect.stringMatching(/^\$\{TfToken\[TOKEN\.\d+\]\}$/),
      expect.stringMatching(/^\$\{TfToken\[TOKEN\.\d+\]\}\/results\/\*$/),
    ]);
  });
});
