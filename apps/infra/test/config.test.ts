import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadStackConfigs, parseStackConfig } from "../src/config/load.js";

const configDir = join(import.meta.dirname, "..", "config");

describe("stack configuration", () => {
  it("fills every key a stack leaves out with production defaults", () => {
    const config = parseStackConfig("dev.json", JSON.stringify({ trackgraph: { environment: "dev" } }));
    expect(config).toMatchObject({
      kind: "environment",
      project: "trackgraph",
      region: "us-east-1",
      owner: "platform-team",
      forceDestroyBuckets: false,
      site: { priceClass: "PriceClass_100", spaFallback: "/index.html" },
      logPipeline: {
        prefix: "cloudfront/",
        memoryMb: 256,
        timeoutSeconds: 300,
        logRetentionDays: 90,
      },
    });
  });

  it.each([
    [{ region: "europe" }, 'trackgraph.region: got "europe", expected an AWS region such as eu-west-1'],
    [{ accountId: 12345 }, "trackgraph.accountId: got 12345, expected"],
    [{ logPipeline: { memoryMb: 64 } }, "trackgraph.logPipeline.memoryMb: got 64, expected"],
    [
      { logPipeline: { prefix: "logs" } },
      'trackgraph.logPipeline.prefix: got "logs", expected an S3 key prefix ending in /',
    ],
    [
      {
        domain: { name: "x.example.com", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x" },
      },
      "expected an ACM certificate ARN in us-east-1",
    ],
    [{ bucketz: true }, 'trackgraph: unknown key(s) "bucketz"'],
  ])("names the key, the value and what was expected for %j", (overrides, message) => {
    expect(() => parseStackConfig("prod.json", JSON.stringify({ trackgraph: overrides }))).toThrowError(
      ConfigError,
    );
    expect(() => parseStackConfig("prod.json", JSON.stringify({ trackgraph: overrides }))).toThrow(message);
  });

  it("reports JSON syntax errors with the file", () => {
    expect(() => parseStackConfig("prod.json", "{ trackgraph: ")).toThrow(/^prod\.json: not valid JSON/);
  });

  it("synthesizes every committed stack file, the template excluded", () => {
    expect(loadStackConfigs(configDir).map((s) => s.stack)).toEqual(["bootstrap", "dev"]);
    expect(loadStackConfigs(configDir, "dev-dashboards").map((s) => s.stack)).toEqual(["dev"]);
    expect(() => loadStackConfigs(configDir, "nope")).toThrow(
      /stack "nope" has no config file .*nope\.json \(known: bootstrap, dev\)/,
    );
  });

  it("refuses a stack file whose name an environment's dashboards stack takes", () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    writeFileSync(join(dir, "dev-dashboards.json"), JSON.stringify({ trackgraph: {} }));
    expect(() => loadStackConfigs(dir)).toThrow(
      /dev-dashboards\.json: stack names ending in "-dashboards" are taken by each environment's dashboards stack \(dev's would be dev-dashboards\)/,
    );
  });

  it("exits 1 with the named error when a stack file is bad (the built app, as pnpm synth runs it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    writeFileSync(join(dir, "prod.json"), JSON.stringify({ trackgraph: { region: "mars-1" } }));
    const error = await promisify(execFile)(
      process.execPath,
      [join(import.meta.dirname, "..", "dist", "main.js")],
      {
        env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: join(dir, "out") },
      },
    ).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain(
      'prod.json: invalid stack config\n  trackgraph.region: got "mars-1", expected an AWS region such as eu-west-1',
    );
  });

  it("refuses a region AWS does not have, and tag keys AWS reserves", () => {
    const parse = (trackgraph: unknown) => () =>
      parseStackConfig("prod.json", JSON.stringify({ trackgraph }));
    expect(parse({ region: "zz-nowhere-9" })).toThrow(
      /trackgraph\.region: got "zz-nowhere-9", expected an AWS region/,
    );
    expect(parse({ tags: { "aws:team": "x" } })).toThrow(
      /key "aws:team" not allowed, expected a tag key that does not start with aws:/,
    );
    expect(parse({ region: "ap-southeast-7", tags: { team: "x" } })).not.toThrow();
  });

  it("refuses input nested deeper than any config with one line, not a stack overflow", () => {
    const deep = `{"trackgraph":{"tags":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    expect(() => parseStackConfig("prod.json", deep)).toThrow(
      /^prod\.json: nested deeper than 32 levels at \(root\)\.trackgraph\.tags\.0/,
    );
  });

  it("removes the stacks of configs that are gone when it synthesizes every stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    const out = join(dir, "out");
    const run = () =>
      promisify(execFile)(process.execPath, [join(import.meta.dirname, "..", "dist", "main.js")], {
        env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: out, TRACKGRAPH_STACK: "" },
      });
    writeFileSync(join(dir, "one.json"), JSON.stringify({ trackgraph: {} }));
    writeFileSync(join(dir, "two.json"), JSON.stringify({ trackgraph: {} }));
    await run();
    expect(readdirSync(join(out, "stacks")).sort()).toEqual([
      "one",
      "one-dashboards",
      "two",
      "two-dashboards",
    ]);
    rmSync(join(dir, "two.json"));
    await run();
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["one", "one-dashboards"]);
  });

  it("takes --stack after pnpm's `--` (pnpm synth -- --stack dev)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    const out = join(dir, "out");
    writeFileSync(join(dir, "one.json"), JSON.stringify({ trackgraph: {} }));
    writeFileSync(join(dir, "two.json"), JSON.stringify({ trackgraph: {} }));
    await promisify(execFile)(
      process.execPath,
      [join(import.meta.dirname, "..", "dist", "main.js"), "--", "--stack", "two"],
      {
        env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: out, TRACKGRAPH_STACK: "" },
      },
    );
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["two", "two-dashboards"]);
  });

  it("synthesizes one stack although another stack's file is broken, and still finds the bootstrap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    const out = join(dir, "out");
    writeFileSync(join(dir, "good.json"), JSON.stringify({ trackgraph: {} }));
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ trackgraph: { region: "mars-1" } }));
    writeFileSync(
      join(dir, "bootstrap.json"),
      JSON.stringify({ trackgraph: { kind: "bootstrap", github: { repository: "a/b" } } }),
    );
    await promisify(execFile)(
      process.execPath,
      [join(import.meta.dirname, "..", "dist", "main.js"), "--stack", "good"],
      {
        env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: out, TRACKGRAPH_STACK: "" },
      },
    );
    const manifest = JSON.parse(readFileSync(join(out, "stacks", "good", "deploy.json"), "utf8")) as {
      bootstrap: { stack: string } | null;
    };
    expect(manifest.bootstrap?.stack).toBe("bootstrap");
  });
});
