import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backendPanelQueries,
  checkDashboards,
  checkEdge,
  checkTraces,
  defaultLambdaBundle,
  type LocalTarget,
  startLocalTarget,
} from "../src/index.js";

const cli = join(import.meta.dirname, "../dist/cli.js");

/** Every descendant of a process (the plane's peers under the CLI), from `ps`. */
async function childPids(root: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid=,ppid="]);
  const pairs = stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, ppid] of pairs)
      if (ppid === parent) {
        found.push(pid);
        walk(pid);
      }
  };
  walk(root);
  return found;
}

describe("pnpm validate on the local plane", () => {
  it("passes all three checks, prints the report and exits 0", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli], {
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
      timeout: 300_000,
    });
    console.log(stdout);
    expect(stdout).toMatch(/^PASS {2}1\. Traces appear in X-Ray/m);
    expect(stdout).toMatch(/^PASS {2}2\. Remote write is visible through the dashboards' queries/m);
    expect(stdout).toMatch(/^PASS {2}3\. A CloudFront log becomes TrackGraph\/CloudFront metrics/m);
    expect(stdout).toMatch(
      /found: TrackGraph\/CloudFront Requests\{DistributionId=EVALIDATE\w+\} sums to 120/,
    );
    expect(stdout).toMatch(/validate: all 3 checks passed/);
  });

  it("stops every peer and deletes their data when interrupted in the middle of the checks", async () => {
    const planeDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith("trackgraph-plane-"));
    const before = new Set(planeDirs());
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (chunk) => {
        stderr += String(chunk);
        if (stderr.includes("running the checks")) resolve();
      }),
    );
    const planeDir = planeDirs().find((d) => !before.has(d));
    expect(planeDir, "the plane's work folder while it runs").toBeDefined();
    const pids = await childPids(child.pid as number);
    expect(pids.length, "the plane's peers").toBeGreaterThanOrEqual(4);
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(stderr).toContain("SIGINT: stopping");
    expect(planeDirs()).not.toContain(planeDir);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive, "peers still running").toEqual([]);
  });

  it("exits 2 with the usage on a bad flag value", async () => {
    const failed = await promisify(execFile)(process.execPath, [cli, "--against", "mars"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--against must be local or aws, not "mars"'),
    });
  });
});

describe("each check fails, pointing at the cause, when its path is broken on purpose", () => {
  let target: LocalTarget;
  const work = mkdtempSync(join(tmpdir(), "validate-break-"));

  beforeAll(async () => {
    // A log parser that publishes to the wrong namespace: the deployed bundle with its namespace changed.
    const bundle = join(work, "index.mjs");
    copyFileSync(defaultLambdaBundle(), bundle);
    const text = readFileSync(bundle, "utf8");
    expect(text).toContain('"TrackGraph/CloudFront"');
    writeFileSync(bundle, text.replaceAll('"TrackGraph/CloudFront"', '"TrackGraph/CloudFrontStaging"'));
    target = await startLocalTarget({ lambdaBundle: bundle, timeoutSeconds: 15 });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it("a Lambda that publishes to the wrong namespace: check 3 names the namespace it used", async () => {
    const result = await checkEdge(target);
    expect(result.ok, result.cause).toBe(false);
    expect(result.found, result.cause).not.toBe("the check could not run");
    expect(result.found).toMatch(/^no TrackGraph\/CloudFront metrics for EVALIDATE\w+ after 15 s$/);
    expect(result.cause).toMatch(
      /published this distribution's metrics to namespace "TrackGraph\/CloudFrontStaging" instead of "TrackGraph\/CloudFront"/,
    );
  });

  it("a renamed metric in a dashboard query: check 2 names the panel, the metric and the stored name nearest to it", async () => {
    const queries = backendPanelQueries().map((q) =>
      q.panel === "Request rate by route"
        ? { ...q, expr: q.expr.replace("http_server_request_duration_count", "http_server_requests_total") }
        : q,
    );
    expect(queries.some((q) => q.expr.includes("http_server_requests_total"))).toBe(true);
    const result = await checkDashboards(target, { queries });
    expect(result.ok).toBe(false);
    expect(result.found).toMatch(/^1 of \d+ panel queries return no data/);
    expect(result.cause).toMatch(
      /^panel "Request rate by route": metric http_server_requests_total is not in Prometheus \(stored names nearest to it: [^)]*http_server_request_duration_count/,
    );
  });

  it("the same target passes check 2 with the dashboard's real queries (the break is the rename alone)", async () => {
    expect((await checkDashboards(target)).ok).toBe(true);
  });
});

describe("a wrong exporter endpoint", () => {
  let target: LocalTarget;
  let endpoint: string;

  beforeAll(async () => {
    // A port nothing listens on: the backend's OTLP exports are refused.
    endpoint = `http://127.0.0.1:${await freePort()}`;
    target = await startLocalTarget({
      backendEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      timeoutSeconds: 15,
    });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it("fails check 1, naming the endpoint and the backend's failed exports", async () => {
    const result = await checkTraces(target);
    expect(result.ok).toBe(false);
    expect(result.found).toMatch(/^no trace 1-[0-9a-f]{8}-[0-9a-f]{24} in X-Ray after 15 s$/);
    expect(result.cause).toMatch(
      new RegExp(
        `could not deliver \\d+ spans to ${endpoint.replaceAll(".", "\\.")} .*check OTEL_EXPORTER_OTLP_ENDPOINT`,
      ),
    );
  });
});
