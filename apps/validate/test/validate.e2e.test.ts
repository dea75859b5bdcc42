import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
  it("passes all four checks, prints the report and exits 0", async () => {
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
    expect(stdout).toMatch(
      /^PASS {2}4\. A broken component pages .*\n.*\n\s+found: "\[TrackGraph page\] TelemetryScraperAbsent" \(severity=page, runbook docs\/runbooks\/TelemetryScraperAbsent\.md\) [\d.]+ s after the fault; BackendMetricsAbsent inhibited/m,
    );
    expect(stdout).toMatch(/validate: all 4 checks passed/);
  });

  /** Starts the CLI and waits (bounded) until it runs the checks; fails with its stderr if it exits first. */
  async function startedCli() {
    const planeDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith("trackgraph-plane-"));
    const before = new Set(planeDirs());
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`validate exited (${child.exitCode}) before the checks:\n${stderr}`);
        if (!stderr.includes("running the checks")) throw new Error(`not running the checks yet:\n${stderr}`);
      },
      { timeout: 90_000, interval: 200 },
    );
    const planeDir = planeDirs().find((d) => !before.has(d));
    expect(planeDir, "the plane's work folder while it runs").toBeDefined();
    const pids = await childPids(child.pid as number);
    expect(pids.length, "the plane's peers").toBeGreaterThanOrEqual(4);
    /** Waits (bounded) for the exit; on a timeout, names the processes still alive. */
    const exitCode = async (ms: number) => {
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms));
      const code = await Promise.race([exited, timeout]);
      if (code === "timeout") {
        const { stdout } = await promisify(execFile)("ps", [
          "-o",
          "pid=,args=",
          "-p",
          [child.pid, ...pids].join(","),
        ]);
        throw new Error(`validate did not exit within ${ms / 1000} s; still running:\n${stdout}\n${stderr}`);
      }
      return code;
    };
    return { child, pids, planeDir, planeDirs, exitCode, stderr: () => stderr };
  }

  const alive = (pids: number[]) =>
    pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });

  it("stops every peer and deletes their data when interrupted in the middle of the checks", async () => {
    const run = await startedCli();
    run.child.kill("SIGINT");
    expect(await run.exitCode(60_000)).toBe(130);
    expect(run.stderr()).toContain("SIGINT: stopping");
    expect(run.planeDirs()).not.toContain(run.planeDir);
    expect(alive(run.pids), "peers still running").toEqual([]);
  });

  it("kills every peer at once on a second interrupt", async () => {
    const run = await startedCli();
    run.child.kill("SIGINT");
    await vi.waitFor(() => expect(run.stderr()).toContain("SIGINT: stopping"), { timeout: 10_000 });
    run.child.kill("SIGINT");
    expect(await run.exitCode(10_000)).toBe(130);
    expect(run.stderr()).toContain("SIGINT again: killing every peer");
    // The exit kills the peers with SIGKILL: give the kernel a moment to reap them.
    await vi.waitFor(() => expect(alive(run.pids), "peers still running").toEqual([]), { timeout: 5_000 });
    rmSync(join(tmpdir(), run.planeDir ?? "none"), { recursive: true, force: true });
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
      // The cause names failed exports, which the backend counts only once its exporter gives up (its 10 s
      // timeout, after a 1 s batch delay): 15 s left a loaded machine 4 s of room.
      timeoutSeconds: 30,
    });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it("fails check 1, naming the endpoint and the backend's failed exports", async () => {
    const result = await checkTraces(target);
    expect(result.ok).toBe(false);
    expect(result.found).toMatch(/^no trace 1-[0-9a-f]{8}-[0-9a-f]{24} in X-Ray after 30 s$/);
    expect(result.cause).toMatch(
      new RegExp(
        `could not deliver \\d+ spans to ${endpoint.replaceAll(".", "\\.")} .*check OTEL_EXPORTER_OTLP_ENDPOINT`,
      ),
    );
  });
});

describe("the backend's request log turned off", () => {
  let target: LocalTarget;

  beforeAll(async () => {
    target = await startLocalTarget({ backendEnv: { LOG_REQUEST_SAMPLE_RATIO: "0" }, timeoutSeconds: 15 });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it("fails check 1: the trace is in X-Ray, but no log line carries its id", async () => {
    const result = await checkTraces(target);
    expect(result.ok).toBe(false);
    expect(result.found).toMatch(
      /^trace 1-[0-9a-f]{8}-[0-9a-f]{24} is in X-Ray, but no log line of the backend carries its id$/,
    );
    expect(result.cause).toMatch(/check LOG_REQUEST_SAMPLE_RATIO \(0 turns the request log off\)/);
  });
});
