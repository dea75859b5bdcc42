import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toMarkdown } from "../src/review/markdown.js";
import {
  computeReview,
  expectNoneExitCode,
  isEmptyReview,
  summarize,
  summaryLine,
} from "../src/review/review.js";
import { refusedTemplate, writeTemplateConfigs } from "../src/review/synth-ref.js";
import type { StackJson } from "../src/review/types.js";
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

  it("reports a statement that only gains a condition, as narrowing (a plan would show it)", () => {
    const narrowed = clone(base);
    const statements = statementsOf<{ sid: string; condition?: unknown[] }>(
      narrowed,
      "log-pipeline_permissions",
    );
    const read = statements.find((s) => s.sid === "ReadAccessLogs");
    if (read === undefined) throw new Error("fixture statement missing");
    read.condition = [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }];
    const review = computeReview(stacks({ dev: base }), stacks({ dev: narrowed }));
    expect(review.iam).toEqual([
      expect.objectContaining({ statement: "ReadAccessLogs", conditionsGained: true, widening: false }),
    ]);
    expect(isEmptyReview(review)).toBe(false);
    expect(toMarkdown(review)).toContain("1 IAM statement changes (0 widening)");
  });

  it("reports a changed effect, a field read as a whole, or a document argument, as widening", () => {
    const changed = clone(base);
    const statements = statementsOf<{ sid: string; effect?: string; not_actions?: string[] }>(
      changed,
      "log-pipeline_permissions",
    );
    const [first, second] = statements;
    if (first === undefined || second === undefined) throw new Error("fixture statements missing");
    first.effect = "Deny";
    second.not_actions = ["iam:*"];
    const doc = Object.entries(changed.data.aws_iam_policy_document ?? {}).find(([id]) =>
      id.startsWith("log-pipeline_permissions"),
    )?.[1] as Record<string, unknown>;
    doc.override_policy_documents = ["{}"];
    const review = computeReview(stacks({ dev: base }), stacks({ dev: changed }));
    expect(review.iam.map((c) => [c.statement, c.otherChanges, c.widening])).toEqual([
      [first.sid, ["effect"], true],
      [second.sid, ["not_actions"], true],
      ["(document)", ["override_policy_documents"], true],
    ]);
  });

  it("reads a new document made only of other documents, and a statement list it cannot read", () => {
    const changed = clone(base);
    const documents = changed.data.aws_iam_policy_document ?? {};
    documents.merged = { override_policy_documents: [`\${data.aws_iam_policy_document.other.json}`] };
    const [firstId] = Object.keys(documents);
    if (firstId === undefined) throw new Error("no policy document");
    (documents[firstId] as Record<string, unknown>).statement = `\${var.statements}`;
    const review = computeReview(stacks({ dev: base }), stacks({ dev: changed }));
    expect(review.iam.map((c) => [c.policy, c.statement, c.otherChanges, c.widening])).toEqual(
      expect.arrayContaining([
        ["data.aws_iam_policy_document.merged", "(document)", ["override_policy_documents"], true],
        [`data.aws_iam_policy_document.${firstId}`, "(document)", ["statement"], true],
      ]),
    );
  });

  it("lists changes to public access, encryption and deletion protection separately", () => {
    const weakened = clone(synthStack({ disposable: true }, "dev").json);
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

describe("infra:diff --expect-none", () => {
  it("exits 0 and summarizes every stack as unchanged when nothing differs", () => {
    const review = computeReview(stacks({ dev: base }), stacks({ dev: synthStack({}, "dev").json }));
    expect(expectNoneExitCode(review)).toBe(0);
    expect(summarize(review, ["dev"]).map(summaryLine)).toEqual([
      "dev: 0 to add, 0 to change, 0 to replace, 0 to destroy, 0 other differences",
    ]);
  });

  it("exits 1 on one changed attribute, and counts it in its stack's line", () => {
    const review = computeReview(
      stacks({ dev: base, bootstrap: synthBootstrap() }),
      stacks({
        dev: synthStack({ logPipeline: { memoryMb: 512 } }, "dev").json,
        bootstrap: synthBootstrap(),
      }),
    );
    expect(expectNoneExitCode(review)).toBe(1);
    expect(summarize(review, ["dev", "bootstrap"]).map(summaryLine)).toEqual([
      "bootstrap: 0 to add, 0 to change, 0 to replace, 0 to destroy, 0 other differences",
      "dev: 0 to add, 1 to change, 0 to replace, 0 to destroy, 0 other differences",
    ]);
  });

  it("exits 1 on an IAM-only difference, which no resource count shows", () => {
    const widened = clone(base);
    statementsOf<{ actions: string[] }>(widened, "log-pipeline_permissions")[0]?.actions.push("s3:PutObject");
    const review = computeReview(stacks({ dev: base }), stacks({ dev: widened }));
    expect(expectNoneExitCode(review)).toBe(1);
    expect(summarize(review, ["dev"])[0]).toMatchObject({ add: 0, change: 0, other: 1 });
  });

  it("exits 1 when a stack disappears, and counts its resources as destroyed", () => {
    const review = computeReview(stacks({ dev: base, bootstrap: synthBootstrap() }), stacks({ dev: base }));
    expect(expectNoneExitCode(review)).toBe(1);
    const [bootstrap] = summarize(review, ["dev"]);
    expect(bootstrap).toMatchObject({ stack: "bootstrap", add: 0 });
    expect(bootstrap?.destroy).toBeGreaterThan(0);
    // The removed stack itself, each of its outputs and each statement of its policy documents.
    expect(bootstrap?.other).toBeGreaterThan(1 + Object.keys(synthBootstrap().output).length);
  });
});

describe("the template stacks infra:diff synthesizes", () => {
  it("are the example on both platforms and the example bootstrap, from the templates as they are", () => {
    const target = mkdtempSync(join(tmpdir(), "infra-templates-"));
    const written = writeTemplateConfigs(join(import.meta.dirname, "..", "config"), target);
    expect(written).toEqual(["prod.json", "prodbootstrap.json", "prodrunner.json"]);
    const read = (name: string) => JSON.parse(readFileSync(join(target, name), "utf8")).trackgraph;
    const example = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "config", "example.json"), "utf8"),
    ).trackgraph;
    expect(read("prod.json")).toEqual(example);
    expect(read("prodrunner.json")).toEqual({ ...example, backend: { platform: "app-runner" } });
    expect(read("prodbootstrap.json").kind).toBe("bootstrap");
  });

  it("leave out the variant an older ref's schema refuses, and only that one", () => {
    const stderr = '/w/t/prodrunner.json: invalid stack config\n  trackgraph: unknown key(s) "backend"\n';
    expect(refusedTemplate(stderr, "/w/t", ["prod.json", "prodrunner.json"])).toBe("prodrunner.json");
    expect(refusedTemplate("TypeError: boom\n", "/w/t", ["prod.json", "prodrunner.json"])).toBeUndefined();
  });

  it("are none for a ref without templates", () => {
    const empty = mkdtempSync(join(tmpdir(), "infra-no-templates-"));
    expect(writeTemplateConfigs(empty, join(empty, "out"))).toEqual([]);
  });
});
