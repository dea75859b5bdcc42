import { describe, expect, it } from "vitest";
import { toMarkdown } from "../src/diff/markdown.js";
import { computeReview, isEmptyReview } from "../src/diff/review.js";
import type { StackJson } from "../src/diff/types.js";
import { logicalIdAt, synthBootstrap, synthStack } from "./synth.js";

const stacks = (entries: Record<string, unknown>) =>
  new Map(Object.entries(entries) as Array<[string, StackJson]>);
const clone = <T>(value: T): T => structuredClone(value);

/** The statements of the first policy document whose logical id starts with `prefix` (throws when absent). */
function statementsOf<S>(json: ReturnType<typeof synthStack>["json"], prefix: string): S[] {
  const doc = Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith(prefix));
  if (doc === undefined) throw new Error(`no policy document ${prefix}*`);
  return (doc[1] as { statement: S[] }).statement;
}
const base = synthStack({}, "dev").json;

describe("infrastructure review", () => {
  it("is empty when nothing changes", () => {
    const review = computeReview(stacks({ dev: base }), stacks({ dev: synthStack({}, "dev").json }));
    expect(isEmptyReview(review)).toBe(true);
    expect(toMarkdown(review)).toBe(
      "<!-- trackgraph-infra-review -->\n## Infrastructure review\n\nNo infrastructure changes.\n",
    );
  });

  it("reports a changed attribute with its path, and nothing else", () => {
    const review = computeReview(
      stacks({ dev: base }),
      stacks({ dev: synthStack({ logPipeline: { memoryMb: 512 } }, "dev").json }),
    );
    const fn = logicalIdAt(base, "aws_lambda_function", "log-pipeline/function");
    expect(review.resources).toEqual([
      {
        stack: "dev",
        address: `aws_lambda_function.${fn}`,
        type: "aws_lambda_function",
        action: "change",
        paths: ["memory_size"],
        replacedBy: [],
      },
    ]);
    expect(review.iam).toEqual([]);
    expect(review.security).toEqual([]);
  });

  it("marks a change to an argument that forces a new resource as a replacement", () => {
    const review = computeReview(
      stacks({ dev: base }),
      stacks({ dev: synthStack({ project: "tgraph" }, "dev").json }),
    );
    const bucket = review.resources.find((r) => r.address.startsWith("aws_s3_bucket.storage_site"));
    expect(bucket).toMatchObject({ action: "replace", replacedBy: ["bucket_prefix"] });
    expect(review.resources.find((r) => r.type === "aws_dynamodb_table")).toMatchObject({
      action: "replace",
      replacedBy: ["name"],
    });
    expect(toMarkdown(review)).toMatch(
      /\| replace \| `aws_s3_bucket\.storage_site_bucket_[0-9A-F]{8}` \| `bucket_prefix` forces replacement \|/,
    );
  });

  it("reports added and removed resources and stacks", () => {
    const three = synthBootstrap();
    const one = synthBootstrap({ bootstrap: { ecrRepositories: ["backend"] } });
    const review = computeReview(
      stacks({ bootstrap: three, dev: base }),
      stacks({ bootstrap: one, staging: base }),
    );
    expect(review.stacks).toEqual({ added: ["staging"], removed: ["dev"] });
    expect(review.resources.filter((r) => r.stack === "bootstrap").map((r) => [r.action, r.type])).toEqual([
      ["remove", "aws_ecr_lifecycle_policy"],
      ["remove", "aws_ecr_lifecycle_policy"],
      ["remove", "aws_ecr_repository"],
      ["remove", "aws_ecr_repository"],
    ]);
    expect(review.outputs).toContainEqual({ stack: "bootstrap", name: "ecr_repositories", action: "change" });
  });

  it("reports IAM gains and losses per statement, and flags widening", () => {
    const widened = clone(base);
    const statements = statementsOf<{
      sid: string;
      actions: string[];
      resources: string[];
      condition?: unknown[];
    }>(widened, "log-pipeline_permissions");
    const read = statements.find((s) => s.sid === "ReadAccessLogs");
    const metrics = statements.find((s) => s.sid === "PublishCloudFrontMetrics");
    if (read === undefined || metrics === undefined) throw new Error("fixture statements missing");
    read.actions.push("s3:PutObject");
    read.resources = ["*"];
    delete metrics.condition;
    const review = computeReview(stacks({ dev: base }), stacks({ dev: widened }));
    expect(review.iam).toEqual([
      expect.objectContaining({
        statement: "ReadAccessLogs",
        actionsGained: ["s3:PutObject"],
        resourcesGained: ["*"],
        resourcesLost: [expect.stringMatching(/\/cloudfront\/\*$/)],
        widening: true,
      }),
      expect.objectContaining({
        statement: "PublishCloudFrontMetrics",
        conditionsLost: true,
        widening: true,
      }),
    ]);
    expect(review.resources).toEqual([]);
    expect(toMarkdown(review)).toContain("2 IAM statement changes (2 widening)");
  });

  it("does not call a narrowed statement widening", () => {
    const narrowed = clone(base);
    const statements = statementsOf<{ sid: string; actions: string[] }>(narrowed, "log-pipeline_permissions");
    const records = statements.find((s) => s.sid === "IdempotencyRecords");
    if (records) records.actions = records.actions.filter((a) => a !== "dynamodb:DeleteItem");
    expect(computeReview(stacks({ dev: base }), stacks({ dev: narrowed })).iam).toEqual([
      expect.objectContaining({
        statement: "IdempotencyRecords",
        actionsLost: ["dynamodb:DeleteItem"],
        widening: false,
      }),
    ]);
  });

  it("lists changes to public access, encryption and deletion protection separately", () => {
    const weakened = clone(synthStack({ forceDestroyBuckets: true }, "dev").json);
    for (const pab of Object.values(weakened.resource.aws_s3_bucket_public_access_block ?? {}).slice(0, 1))
      pab.block_public_policy = false;
    const sse =
      weakened.resource.aws_s3_bucket_server_side_encryption_configuration?.[
        logicalIdAt(weakened, "aws_s3_bucket_server_side_encryption_configuration", "storage/site/encryption")
      ];
    if (sse) sse.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }];
    const review = computeReview(stacks({ dev: base }), stacks({ dev: weakened }));
    const concerns = review.security.map((s) => [s.concern, s.address.split(".")[0], s.path, s.after]);
    expect(concerns).toContainEqual([
      "public access",
      "aws_s3_bucket_public_access_block",
      "block_public_policy",
      false,
    ]);
    expect(concerns).toContainEqual(["deletion protection", "aws_s3_bucket", "force_destroy", true]);
    expect(concerns).toContainEqual([
      "deletion protection",
      "aws_dynamodb_table",
      "deletion_protection_enabled",
      false,
    ]);
    expect(
      concerns.some(
        ([concern, type]) =>
          concern === "encryption" && type === "aws_s3_bucket_server_side_encryption_configuration",
      ),
    ).toBe(true);
    expect(toMarkdown(review)).toContain("### Public access, encryption, deletion protection");
  });

  it("calls a new Allow to everyone public access, and a new Deny to everyone not", () => {
    const opened = clone(base);
    const site = { statement: statementsOf<Record<string, unknown>>(opened, "storage_site_") };
    site.statement.push({
      sid: "Everyone",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: ["*"],
      principals: [{ type: "*", identifiers: ["*"] }],
    });
    site.statement.push({
      sid: "DenyEveryone",
      effect: "Deny",
      actions: ["s3:DeleteObject"],
      resources: ["*"],
      principals: [{ type: "*", identifiers: ["*"] }],
    });
    const review = computeReview(stacks({ dev: base }), stacks({ dev: opened }));
    expect(review.security).toEqual([
      expect.objectContaining({ concern: "public access", address: expect.stringContaining("(Everyone)") }),
    ]);
  });

  it("notices a state backend change", () => {
    const review = computeReview(
      stacks({ dev: base }),
      stacks({
        dev: synthStack(
          { state: { bucket: "tf-state", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/s" } },
          "dev",
        ).json,
      }),
    );
    expect(review.backend).toEqual([{ stack: "dev", paths: expect.arrayContaining(["local", "s3"]) }]);
  });
});
