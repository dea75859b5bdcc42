import { describe, expect, it } from "vitest";
import { evaluateCheckov, formatGateResult } from "../src/review/checkov-gate.js";

const stack = {
  "//": { checkov: { "policy-doc_AAAA0000": ["checkov:skip=CKV_AWS_111:key policies name no resource"] } },
  resource: {
    aws_s3_bucket: {
      logs_AAAA1111: {
        "//": {
          checkov: [
            "checkov:skip=CKV_AWS_145:access logging needs SSE-S3",
            "checkov:skip=CKV_AWS_144:no replication",
          ],
        },
      },
      site_BBBB2222: {},
    },
  },
};
const failed = (check_id: string, resource: string) => ({
  check_id,
  resource,
  file_path: "/dev/cdk.tf.json",
  check_name: check_id,
});

describe("checkov gate", () => {
  it("accepts a failure only where a reason was recorded next to the resource", () => {
    const result = evaluateCheckov(
      {
        results: {
          passed_checks: [{}, {}],
          failed_checks: [
            failed("CKV_AWS_145", "aws_s3_bucket.logs_AAAA1111"),
            failed("CKV_AWS_144", "resource.logs_AAAA1111"),
            failed("CKV_AWS_111", "data.policy-doc_AAAA0000"),
            failed("CKV_AWS_145", "aws_s3_bucket.site_BBBB2222"),
          ],
        },
      },
      new Map([["dev", stack]]),
    );
    expect(result.unsuppressed).toEqual([
      { stack: "dev", logicalId: "site_BBBB2222", checkId: "CKV_AWS_145", name: "CKV_AWS_145" },
    ]);
    expect(result.suppressed.map((s) => [s.logicalId, s.checkId])).toEqual([
      ["logs_AAAA1111", "CKV_AWS_145"],
      ["logs_AAAA1111", "CKV_AWS_144"],
      ["policy-doc_AAAA0000", "CKV_AWS_111"],
    ]);
    expect(result.stale).toEqual([]);
    expect(formatGateResult(result)).toMatch(
      /^checkov: 2 passed, 3 suppressed with a reason, 1 failed, 0 stale suppressions\n {2}FAILED dev: CKV_AWS_145 on site_BBBB2222/,
    );
  });

  it("reports a suppression whose check no longer fails as stale", () => {
    const result = evaluateCheckov(
      {
        results: { passed_checks: [], failed_checks: [failed("CKV_AWS_145", "aws_s3_bucket.logs_AAAA1111")] },
      },
      new Map([["dev", stack]]),
    );
    expect(result.stale).toEqual([
      { stack: "dev", logicalId: "policy-doc_AAAA0000", checkId: "CKV_AWS_111" },
      { stack: "dev", logicalId: "logs_AAAA1111", checkId: "CKV_AWS_144" },
    ]);
  });

  it("does not let a suppression on one stack cover another", () => {
    const result = evaluateCheckov(
      {
        results: {
          passed_checks: [],
          failed_checks: [
            { ...failed("CKV_AWS_145", "aws_s3_bucket.logs_AAAA1111"), file_path: "/prod/cdk.tf.json" },
          ],
        },
      },
      new Map<string, Record<string, unknown>>([
        ["dev", stack],
        ["prod", { resource: { aws_s3_bucket: { logs_AAAA1111: {} } } }],
      ]),
    );
    expect(result.unsuppressed).toHaveLength(1);
  });
});
