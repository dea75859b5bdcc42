import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendLogLines, type LocalPlane, startLocalPlane } from "@trackgraph/local-plane";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  alertRules,
  BACKEND_SLOS,
  backendDashboard,
  collectorsDashboard,
  describeVerdict,
  EXAMPLE_CONTEXT,
  logQueries,
  prometheusQueries,
  ruleExpressions,
  verifyLogFields,
  verifyQueries,
} from "../src/index.js";

let plane: LocalPlane;
// The backend's fault switch (honoured on the plane only): a failed request writes an error line.
const faultDir = mkdtempSync(join(tmpdir(), "contract-fault-"));
const faultFile = join(faultDir, "fault");

/** Every metric the queries read must have arrived; traffic of each kind makes the plane emit them. */
async function traffic(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    for (const path of ["/graph?limit=5", "/summary?limit=3", "/graph?limit=nope", "/healthz"])
      await (await fetch(`${plane.urls.backend}${path}`)).text();
  }
}

beforeAll(async () => {
  plane = await startLocalPlane({
    scrapeInterval: "2s",
    historyCacheSeconds: 0,
    backendEnv: { TRACKGRAPH_FAULT_FILE: faultFile },
  });
  await traffic();
});
afterAll(async () => {
  await plane?.stop();
  rmSync(faultDir, { recursive: true, force: true });
});

const dashboards = [backendDashboard(EXAMPLE_CONTEXT), collectorsDashboard(EXAMPLE_CONTEXT)];
const panelExprs = prometheusQueries(dashboards).map((q) => q.expr as string);

/** Verifies until every metric and label is present (telemetry arrives over a few scrape intervals). */
async function settled(exprs: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const verdicts = await verifyQueries(plane.urls.prometheus, exprs);
    const problems = verdicts.filter((v) => v.missingMetrics.length + v.missingLabels.length > 0);
    if (problems.length === 0 || Date.now() > deadline) return verdicts;
    await traffic();
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe("contract: every Prometheus name the dashboards and rules use is one the code emits", () => {
  it("finds every metric and label of every panel and rule in what the local plane received", async () => {
    const verdicts = await settled([...panelExprs, ...ruleExpressions()]);
    const problems = verdicts.flatMap((v) => describeVerdict(v).map((line) => `${v.expr}\n  ${line}`));
    expect(problems.filter((p) => !p.endsWith("the query returns no series"))).toEqual([]);
  });

  it("gets data from every Prometheus panel query of the backend dashboard", async () => {
    const backendExprs = prometheusQueries([backendDashboard(EXAMPLE_CONTEXT)]).map((q) => q.expr as string);
    expect(backendExprs.length).toBeGreaterThan(10);
    const verdicts = await settled(backendExprs);
    const empty = verdicts.filter((v) => v.series === 0).map((v) => v.expr);
    expect(empty).toEqual([]);
  });

  it("keeps every absence alert quiet on a healthy plane: each collector's and the backend's series are there", async () => {
    const absences = alertRules().filter((r) => r.expr.startsWith("absent_over_time("));
    expect(absences.map((r) => r.alert).sort()).toEqual([
      "BackendMetricsAbsent",
      "TelemetryProxyAbsent",
      "TelemetryScraperAbsent",
    ]);
    const verdicts = await settled(absences.map((r) => r.expr));
    // absent_over_time returns a series only when nothing matched: every one must come back empty.
    expect(verdicts.map((v) => [v.expr, v.series, v.missingMetrics])).toEqual(
      absences.map((r) => [r.expr, 0, []]),
    );
  });

  it("fires an absence alert's expression for a job that sends nothing (the check can fail)", async () => {
    const [verdict] = await verifyQueries(plane.urls.prometheus, [
      'absent_over_time(otelcol_process_uptime_seconds_total{job="telemetry-nobody"}[10m])',
    ]);
    expect(verdict?.series).toBe(1);
  });

  it('measures both SLOs from what the backend emits (the latency bucket le="1" included)', async () => {
    const exprs = BACKEND_SLOS.map((slo) => slo.errorRatio("5m"));
    const verdicts = await settled(exprs);
    expect(verdicts.map((v) => [v.series, v.missingMetrics, v.missingLabels])).toEqual(
      exprs.map(() => [1, [], []]),
    );
  });

  it("breaks when a metric is renamed, and names the stored metric nearest to it", async () => {
    const renamed = panelExprs[0]?.replace(
      "http_server_request_duration_count",
      "http_server_requests_total",
    );
    expect(renamed).toContain("http_server_requests_total");
    const [verdict] = await verifyQueries(plane.urls.prometheus, [renamed as string]);
    expect(verdict?.missingMetrics).toEqual(["http_server_requests_total"]);
    expect(describeVerdict(verdict as never)[0]).toMatch(
      /metric http_server_requests_total is not in Prometheus \(stored names nearest to it: http_server_request_duration/,
    );
  });

  it("breaks when a label is renamed", async () => {
    const [verdict] = await verifyQueries(plane.urls.prometheus, [
      'sum by (http_path) (rate(http_server_request_duration_count{job="trackgraph-backend"}[1m]))',
    ]);
    expect(verdict?.missingLabels).toEqual(["http_path"]);
  });
});

describe("contract: every log field the dashboards' log panels query is one the backend writes", () => {
  it("finds each field in the backend's real lines: a request's and a failed request's", async () => {
    await (await fetch(`${plane.urls.backend}/graph?limit=5`)).text();
    writeFileSync(faultFile, "");
    try {
      await (await fetch(`${plane.urls.backend}/summary?limit=2`)).text();
    } finally {
      rmSync(faultFile, { force: true });
    }
    // Both lines must be there before the fields are checked, or a late line reads as missing fields.
    await vi.waitFor(
      () => {
        const written = backendLogLines(plane);
        expect(written.some((l) => l.level === "error")).toBe(true);
        expect(written.some((l) => l.msg === "request" && l.route === "/graph")).toBe(true);
      },
      { timeout: 60_000, interval: 250 },
    );
    const lines = backendLogLines(plane);
    const queries = logQueries([backendDashboard(EXAMPLE_CONTEXT)]);
    expect(queries.length).toBe(2);
    const missing = verifyLogFields(queries, lines).flatMap((v) => v.missing.map((f) => `${v.panel}: ${f}`));
    expect(missing).toEqual([]);
  });
});
