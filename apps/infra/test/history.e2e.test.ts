import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TEMPLATE_PREFIX } from "../src/review/synth-ref.js";
import type { Review } from "../src/review/types.js";

const run = promisify(execFile);

/** The review of the committed configs' stacks only. */
function withoutTemplates(review: Review): Review {
  const committed = (s: string) => !s.startsWith(TEMPLATE_PREFIX);
  const keep = <T extends { stack: string }>(list: T[]) => list.filter((x) => committed(x.stack));
  return {
    stacks: {
      added: review.stacks.added.filter(committed),
      removed: review.stacks.removed.filter(committed),
    },
    resources: keep(review.resources),
    iam: keep(review.iam),
    security: keep(review.security),
    outputs: keep(review.outputs),
    backend: keep(review.backend),
  };
}
const cli = join(import.meta.dirname, "..", "dist", "infra-diff.js");

/** Two commits of this repository: the foundation (storage only), and the one that completed edge, log pipeline and bootstrap. */
const FOUNDATION = "b94d3bb";
const EDGE_AND_PIPELINE = "b42cf27";

describe("pnpm infra:diff on this repository's own history", () => {
  it(`shows what ${FOUNDATION}..${EDGE_AND_PIPELINE} added to the infrastructure, and nothing else`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), "history-")), "review.json");
    await run(
      process.execPath,
      [cli, "--base", FOUNDATION, "--head", EDGE_AND_PIPELINE, "--format", "json", "--out", out],
      { maxBuffer: 64 << 20 },
    );
    const all = JSON.parse(readFileSync(out, "utf8")) as Review;
    // The committed configs' stacks; the templates' (`example:*`) were synthesized by apps as old as these
    // in other ways (the foundation named its example stack after its environment), so they are left out.
    const review = withoutTemplates(all);
    expect(all.stacks.added.some((s) => s.startsWith(TEMPLATE_PREFIX))).toBe(true);

    expect(review.stacks).toEqual({ added: ["bootstrap"], removed: [] });
    const dev = review.resources.filter((r) => r.stack === "dev");
    // The storage of the foundation is untouched: everything in dev is new, nothing changed or replaced.
    expect(dev.every((r) => r.action === "add")).toBe(true);
    expect([...new Set(dev.map((r) => r.type))].sort()).toEqual([
      "aws_cloudfront_distribution",
      "aws_cloudfront_origin_access_control",
      "aws_cloudfront_response_headers_policy",
      "aws_cloudwatch_log_delivery",
      "aws_cloudwatch_log_delivery_destination",
      "aws_cloudwatch_log_delivery_source",
      "aws_cloudwatch_log_group",
      "aws_dynamodb_table",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_lambda_function",
      "aws_lambda_function_event_invoke_config",
      "aws_lambda_permission",
      "aws_s3_bucket_notification",
      "aws_sqs_queue",
    ]);
    expect(review.resources.filter((r) => r.stack === "bootstrap").every((r) => r.action === "add")).toBe(
      true,
    );
    // New IAM statements only: nothing lost, and the dev stack's new grants are the pipeline's, CloudFront's and the key's.
    expect(review.iam.every((c) => c.actionsLost.length === 0 && c.resourcesLost.length === 0)).toBe(true);
    expect(
      review.iam
        .filter((c) => c.stack === "dev")
        .map((c) => c.statement)
        .sort(),
    ).toEqual([
      "CloudFrontDecryptsSite",
      "CloudFrontLogDeliveryWrites",
      "CloudFrontReadsSite",
      "CloudWatchLogsEncryptsLogGroups",
      "IdempotencyRecords",
      "LambdaAssumes",
      "PublishCloudFrontMetrics",
      "ReadAccessLogs",
      "SendFailures",
      "UseDataKey",
      "WriteOwnLogs",
      "WriteTraces",
    ]);
    expect(review.security).toEqual([]);
    expect(review.backend).toEqual([]);
  });
});
