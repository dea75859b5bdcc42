import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as sdk from "@grafana/grafana-foundation-sdk/dashboard";
import { DIMENSION, METRICS, NAMESPACE } from "@trackgraph/log-parser/metrics";
import { describe, expect, it } from "vitest";
import {
  AWS_METRICS,
  allDashboards,
  cloudWatchQueries,
  DATASOURCES,
  EDGE_DIMENSION,
  EDGE_METRICS,
  EDGE_NAMESPACE,
  EXAMPLE_CONTEXT,
  type PanelQuery,
  prometheusQueries,
} from "../src/index.js";

const dashboards = allDashboards(EXAMPLE_CONTEXT);
const all = Object.values(dashboards);
/** The panel plugin ids the SDK builds (and Grafana ships): anything else would not render after import. */
const PANEL_TYPES = new Set(["row", "timeseries", "stat", "logs", "table"]);

describe("the dashboards", () => {
  it("have unique uids and titles naming the environment", () => {
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
    for (const d of all) expect(d.title).toMatch(/\(prod\)$/);
  });

  it("give every panel a unique id, a known type, a place on the grid and one of our data sources", () => {
    const uids = new Set<string>(Object.values(DATASOURCES).map((d) => d.uid));
    for (const d of all) {
      const panels = d.panels as sdk.Panel[];
      expect(new Set(panels.map((p) => p.id)).size, d.uid).toBe(panels.length);
      for (const p of panels) {
        expect(PANEL_TYPES.has(p.type), `${d.uid}/${p.title}: ${p.type}`).toBe(true);
        expect(p.gridPos, `${d.uid}/${p.title}`).toMatchObject({
          w: expect.any(Number),
          h: expect.any(Number),
        });
        if (p.type === "row") continue;
        expect(uids.has(String(p.datasource?.uid)), `${d.uid}/${p.title}`).toBe(true);
        expect((p.targets ?? []).length, `${d.uid}/${p.title} has queries`).toBeGreaterThan(0);
      }
    }
  });

  it("link the backend dashboard to the backend's traces in X-Ray", () => {
    const link = dashboards["backend.json"]?.links?.[0];
    const left = JSON.parse(decodeURIComponent(String(link?.url).replace("/explore?left=", "")));
    expect(left.datasource).toBe(DATASOURCES.xray.uid);
    expect(left.queries[0].query).toBe('service("trackgraph-backend")');
  });

  it("select every Prometheus metric with a {...} matcher on its job", () => {
    const queries = prometheusQueries(all);
    expect(queries.length).toBeGreaterThan(15);
    for (const q of queries) expect(q.expr, `${q.dashboard}/${q.panel}`).toMatch(/\{job=/);
  });
});

/** What a CloudWatch query reads that neither the log parser's documented list nor AWS's has. */
function cloudWatchProblems(queries: PanelQuery[]): string[] {
  const aws = new Map<string, readonly string[]>(
    Object.values(AWS_METRICS).map((m) => [m.namespace, m.metrics]),
  );
  return queries.flatMap((q) => {
    const cw = q.cloudwatch;
    const where = `${q.dashboard}/${q.panel}/${q.refId}`;
    if (cw === undefined) return [];
    if (cw.namespace === NAMESPACE) {
      const out: string[] = [];
      if (!(cw.metricName in METRICS))
        out.push(`${where}: ${cw.metricName} is not in the log parser's METRICS`);
      if (cw.dimensions.join() !== DIMENSION)
        out.push(`${where}: dimensions ${cw.dimensions.join()} != ${DIMENSION}`);
      return out;
    }
    const known = aws.get(cw.namespace);
    if (known === undefined)
      return [`${where}: namespace ${cw.namespace} is neither ours nor a known AWS one`];
    return known.includes(cw.metricName)
      ? []
      : [`${where}: ${cw.namespace} ${cw.metricName} is not documented`];
  });
}

describe("contract: every CloudWatch name the dashboards use is one the code or AWS emits", () => {
  const queries = cloudWatchQueries(all);

  it("reads our namespace and dimension exactly as the log parser publishes them", () => {
    expect(EDGE_NAMESPACE).toBe(NAMESPACE);
    expect(EDGE_DIMENSION).toBe(DIMENSION);
    for (const name of EDGE_METRICS) expect(Object.keys(METRICS)).toContain(name);
  });

  it("uses only metrics of the log parser's documented list (METRICS) and AWS's Lambda and SQS metrics", () => {
    expect(queries.filter((q) => q.cloudwatch?.namespace === NAMESPACE).length).toBeGreaterThan(10);
    expect(queries.filter((q) => q.cloudwatch?.namespace !== NAMESPACE).length).toBeGreaterThan(3);
    expect(cloudWatchProblems(queries)).toEqual([]);
  });

  it("breaks when a metric is renamed on one side", () => {
    const renamed = queries.map((q) =>
      q.cloudwatch?.metricName === "Requests5xx"
        ? { ...q, cloudwatch: { ...q.cloudwatch, metricName: "Requests5XX" } }
        : q,
    );
    expect(cloudWatchProblems(renamed)).toEqual([
      "trackgraph-edge/Status classes/D: Requests5XX is not in the log parser's METRICS",
    ]);
  });
});

describe("pnpm dashboards:export", () => {
  it("writes every dashboard as Grafana JSON identical to the typed build, and the rule file", async () => {
    const out = mkdtempSync(join(tmpdir(), "dashboards-export-"));
    await promisify(execFile)(
      process.execPath,
      [join(import.meta.dirname, "../dist/export-cli.js"), "--out", out, "--distribution", "E2ABCDEF"],
      { env: { ...process.env, INIT_CWD: "" } },
    );
    expect(readdirSync(out).sort()).toEqual([...Object.keys(dashboards), "rules.yaml"].sort());
    const edge = JSON.parse(readFileSync(join(out, "edge.json"), "utf8")) as sdk.Dashboard;
    const expected = allDashboards({ ...EXAMPLE_CONTEXT, distributionId: "E2ABCDEF" })["edge.json"];
    expect(edge).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(edge.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(JSON.stringify(edge.templating)).toContain('"query":"E2ABCDEF"');
  });

  const exportWith = (args: string[], cwd = tmpdir()) =>
    promisify(execFile)(process.execPath, [join(import.meta.dirname, "../dist/export-cli.js"), ...args], {
      cwd,
      env: { ...process.env, INIT_CWD: "" },
      timeout: 10_000,
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
      (e: { code: number; stdout: string; stderr: string; killed?: boolean }) => ({
        code: e.killed ? -1 : e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );
  const USAGE_LINE = /^usage: pnpm dashboards:export --out DIR /;

  it("needs --out, and writes nothing without it (a default folder would land in the repository)", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dashboards-export-"));
    const result = await exportWith([], cwd);
    expect(result.code).toBe(2);
    const [line, usage, rest] = result.stderr.split("\n");
    expect(line).toBe("dashboards:export: --out DIR is required");
    expect(usage).toMatch(USAGE_LINE);
    expect(rest).toBe("");
    expect(readdirSync(cwd)).toEqual([]);
    // "$DIR" unset: an empty --out is no folder either.
    const empty = await exportWith(["--out", ""], cwd);
    expect(empty.code).toBe(2);
    expect(empty.stderr.split("\n")[0]).toBe("dashboards:export: --out DIR is required");
    expect(readdirSync(cwd)).toEqual([]);
    const help = await exportWith(["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(USAGE_LINE);
  });

  it.each([
    ["--region", "not a region", "an AWS region such as eu-west-1"],
    ["--distribution", '"; DROP', "a CloudFront distribution id (A-Z, 0-9)"],
    ["--function", "a/b", "a Lambda function name (letters, digits, - and _, at most 64)"],
    ["--queue", "q q", "an SQS queue name (letters, digits, - and _, at most 80)"],
    ["--environment", "Prod", "a stack name (a-z, 0-9 and -)"],
    ["--runbook-base", "javascript:alert(1)/", "an http(s) URL or a repository path"],
    ["--queue", `${"q".repeat(76)}.fifo`, "an SQS queue name (letters, digits, - and _, at most 80)"],
  ])("refuses %s %j with one line and exit 2, writing nothing", async (option, value, expected) => {
    const out = join(mkdtempSync(join(tmpdir(), "dashboards-export-")), "out");
    const result = await exportWith(["--out", out, option, value]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      `dashboards:export: ${option} ${JSON.stringify(value)}: expected ${expected}`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("says an empty argument is refused in one line, exit 2", async () => {
    const result = await exportWith(["--out", "x", ""]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe("dashboards:export: Unexpected argument ''");
  });

  it("says an unknown option in one line, without parseArgs's hint", async () => {
    const result = await exportWith(["--out", "x", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe("dashboards:export: unknown option --bogus");
    const noValue = await exportWith(["--out", "--region", "eu-west-1"]);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr.split("\n")[0]).toBe(
      "dashboards:export: --out needs a value, not the option --region (write --out=--region if that is the value)",
    );
  });

  const exportTo = (out: string) =>
    promisify(execFile)(
      process.execPath,
      [join(import.meta.dirname, "../dist/export-cli.js"), "--out", out],
      {
        env: { ...process.env, INIT_CWD: "" },
        timeout: 10_000,
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string; killed?: boolean }) => ({
        code: e.killed ? -1 : e.code,
        stderr: e.stderr,
      }),
    );

  it("refuses an --out it cannot create with one line and exit 2, at once (it used to hang on /proc/x)", async () => {
    expect(await exportTo("/proc/x")).toEqual({
      code: 2,
      stderr: "dashboards:export: --out /proc/x: cannot write in /proc (ENOENT)\n",
    });
    const parent = join(mkdtempSync(join(tmpdir(), "dashboards-export-")), "missing");
    const result = await exportTo(join(parent, "out"));
    expect(result).toEqual({
      code: 2,
      stderr: `dashboards:export: --out ${join(parent, "out")}: ${parent} is not an existing folder\n`,
    });
  });

  it("leaves no half-written export and no staging folder when a file is in the way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dashboards-export-"));
    writeFileSync(join(dir, "taken"), "a file");
    expect((await exportTo(join(dir, "taken"))).code).toBe(2);
    expect(readdirSync(dir)).toEqual(["taken"]);
  });
});
