import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
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
      disposable: false,
      site: { priceClass: "PriceClass_100", spaFallback: "/index.html" },
      logPipeline: {
        prefix: "cloudfront/",
        memoryMb: 256,
        timeoutSeconds: 300,
        logRetentionDays: 90,
      },
    });
  });

  it("takes forceDestroyBuckets as the old name of disposable, with one deprecation line", () => {
    const lines: string[] = [];
    const old = parseStackConfig(
      "dev.json",
      JSON.stringify({ trackgraph: { forceDestroyBuckets: true } }),
      "dev",
      (line) => lines.push(line),
    );
    expect(old.disposable).toBe(true);
    expect(old).not.toHaveProperty("forceDestroyBuckets");
    expect(lines).toEqual([
      'dev.json: trackgraph.forceDestroyBuckets is deprecated: rename it to "disposable" (the same switch: it also turns off deletion protection and the secrets\' recovery window)',
    ]);
    const quiet: string[] = [];
    const current = parseStackConfig(
      "dev.json",
      JSON.stringify({ trackgraph: { disposable: true } }),
      "dev",
      (line) => quiet.push(line),
    );
    expect(current.disposable).toBe(true);
    expect(quiet).toEqual([]);
  });

  it("prints the deprecation on stderr by default, and refuses both names at once", () => {
    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      parseStackConfig("old.json", JSON.stringify({ trackgraph: { forceDestroyBuckets: false } }));
      expect(spy).toHaveBeenCalledWith(
        expect.stringMatching(/^old\.json: trackgraph\.forceDestroyBuckets is deprecated/),
      );
    } finally {
      spy.mockRestore();
    }
    expect(() =>
      parseStackConfig(
        "both.json",
        JSON.stringify({ trackgraph: { disposable: true, forceDestroyBuckets: true } }),
      ),
    ).toThrow(/trackgraph\.forceDestroyBuckets: .*only "disposable"/);
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
    [
      { backend: { environment: { SPOTIFY_DATA_BUCKET: "elsewhere" } } },
      'trackgraph.backend.environment: got {"SPOTIFY_DATA_BUCKET":"elsewhere"}, expected no variable the stack sets itself (AWS_*, PORT, METRICS_TOKEN, DATA_SOURCE, SPOTIFY_DATA_BUCKET, TRACKGRAPH_FAULT_FILE, OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES, TRACKGRAPH_OTEL_BEARER_TOKEN)',
    ],
    // The fault switch needs its file, environment "local" and a loopback AWS endpoint: none can be set.
    [
      { backend: { environment: { TRACKGRAPH_FAULT_FILE: "/tmp/x" } } },
      "trackgraph.backend.environment: got",
    ],
    [
      { backend: { environment: { OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local" } } },
      "trackgraph.backend.environment: got",
    ],
    [{ backend: { secrets: { AWS_ENDPOINT_URL: {} } } }, "trackgraph.backend.secrets: got"],
    [
      { observability: { collectors: { scrapeInterval: "3m" } } },
      "trackgraph.observability.collectors.scrapeInterval",
    ],
    [{ backend: { secrets: { METRICS_TOKEN: {} } } }, "trackgraph.backend.secrets: got"],
    // Zod's own wording ("Invalid input: expected string, received number") is said as a reader would.
    [{ region: 42 }, "trackgraph.region: got 42, expected a string"],
    [{ backend: { maxInstances: 1.5 } }, "trackgraph.backend.maxInstances: got 1.5, expected a whole number"],
    [
      { backend: { minInstances: -1 } },
      "trackgraph.backend.minInstances: got -1, expected a number at least 1",
    ],
    [{ tags: [] }, "trackgraph.tags: got [], expected an object"],
    [
      { observability: { grafana: { admins: { userIds: [""] } } } },
      'trackgraph.observability.grafana.admins.userIds.0: got "", expected a non-empty string',
    ],
    [
      { backend: { platform: "x" } },
      'trackgraph.backend.platform: got "x", expected one of "ecs-express", "app-runner"',
    ],
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

  it("refuses a config folder that is missing, no folder, or holds no stack, naming it", () => {
    const empty = mkdtempSync(join(tmpdir(), "infra-config-"));
    writeFileSync(join(empty, "example.json"), JSON.stringify({ trackgraph: {} }));
    writeFileSync(join(empty, "notes.txt"), "");
    expect(() => loadStackConfigs(empty)).toThrow(`${empty}: no stack config in this folder`);
    expect(() => loadStackConfigs(join(empty, "nope"))).toThrow(
      `${join(empty, "nope")}: no such folder; the stack configs are read from here (TRACKGRAPH_CONFIG_DIR)`,
    );
    expect(() => loadStackConfigs(join(empty, "notes.txt"))).toThrow(
      `${join(empty, "notes.txt")}: not a folder`,
    );
  });

  it("refuses a --stack that is no stack name before looking for its file", () => {
    for (const name of ["../config/dev", "../../etc/passwd", "Dev", ""])
      expect(() => loadStackConfigs(configDir, name), name).toThrow(
        `stack "${name}" is not a stack name (lower-case letters, digits and dashes`,
      );
    // An environment of the longest allowed name keeps its dashboards stack.
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    const longest = `a${"b".repeat(30)}`;
    writeFileSync(join(dir, `${longest}.json`), JSON.stringify({ trackgraph: { project: "tgo" } }));
    expect(loadStackConfigs(dir, `${longest}-dashboards`).map((s) => s.stack)).toEqual([longest]);
  });

  it("answers a bad flag or an empty config folder with one line, and leaves cdktf.out as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-config-"));
    const out = join(dir, "out");
    mkdirSync(join(out, "stacks", "dev"), { recursive: true });
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(import.meta.dirname, "..", "dist", "main.js"), ...args], {
        env: { ...process.env, TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: out, TRACKGRAPH_STACK: "" },
      }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(await run([])).toMatchObject({
      code: 1,
      stderr: `${dir}: no stack config in this folder (a <stack>.json; example*.json are templates)\n`,
    });
    expect(await run(["--stak", "dev"])).toMatchObject({
      code: 2,
      stderr: "synth: unknown option --stak (usage: pnpm synth [-- --stack NAME])\n",
    });
    expect(await run(["--stack"])).toMatchObject({
      code: 2,
      stderr: "synth: --stack needs a value (usage: pnpm synth [-- --stack NAME])\n",
    });
    expect(await run(["--stack", ""])).toMatchObject({
      code: 2,
      stderr: "synth: --stack needs a stack name, not an empty one (usage: pnpm synth [-- --stack NAME])\n",
    });
    expect(readdirSync(join(out, "stacks"))).toEqual(["dev"]);
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
