import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckovGate } from "../src/review/checkov-cli.js";

const app = join(import.meta.dirname, "..", "dist", "main.js");
const configs = join(import.meta.dirname, "..", "config");
const work = mkdtempSync(join(tmpdir(), "infra-checkov-"));
const outdir = join(work, "out");

beforeAll(async () => {
  // Every committed stack, plus the example template synthesized as a production stack.
  const dir = join(work, "config");
  await promisify(execFile)("mkdir", ["-p", dir]);
  for (const name of ["dev.json", "bootstrap.json"]) copyFileSync(join(configs, name), join(dir, name));
  copyFileSync(join(configs, "example.json"), join(dir, "prod.json"));
  // The same production stack on App Runner (the example's default is ECS Express Mode), and the
  // example's bootstrap stack (CMK-encrypted ECR in its region).
  const example = JSON.parse(readFileSync(join(configs, "example.json"), "utf8"));
  example.trackgraph.backend = { platform: "app-runner" };
  writeFileSync(join(dir, "prodrunner.json"), JSON.stringify(example));
  const exampleBootstrap = JSON.parse(readFileSync(join(configs, "example-bootstrap.json"), "utf8"));
  exampleBootstrap.trackgraph.bootstrap = { imageRegions: ["eu-central-1"] };
  writeFileSync(join(dir, "bootstrapeu.json"), JSON.stringify(exampleBootstrap));
  await promisify(execFile)(process.execPath, [app], {
    env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: outdir },
  });
});

describe("checkov on the synthesized Terraform JSON", () => {
  it("finds no failed check that lacks a reasoned suppression next to its resource, and no stale suppression", async () => {
    const { ok, text } = await runCheckovGate(outdir);
    console.log(text);
    expect(text).toMatch(/ 0 failed, 0 stale suppressions/);
    expect(ok).toBe(true);
    // The README states this run's figures; a stale figure fails here with the ones to write.
    const [, passed, suppressed] = text.match(/checkov: (\d+) passed, (\d+) suppressed/) ?? [];
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8").replace(/\s+/g, " ");
    const figures = `${Number(passed).toLocaleString("en-US")} checks pass, ${suppressed} are suppressed with a reason`;
    expect(readme, `apps/infra/README.md should say "${figures}"`).toContain(figures);
  });

  it("fails when a stack is made insecure", async () => {
    const file = join(outdir, "stacks", "dev", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    for (const block of Object.values(json.resource.aws_s3_bucket_public_access_block) as Array<
      Record<string, unknown>
    >) {
      block.block_public_policy = false;
      block.restrict_public_buckets = false;
    }
    writeFileSync(file, JSON.stringify(json, null, 2));
    const { ok, text } = await runCheckovGate(outdir);
    expect(ok).toBe(false);
    expect(text).toMatch(/FAILED dev: CKV_AWS_(53|54|55|56)/);
  });
});
