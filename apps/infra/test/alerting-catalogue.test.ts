import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  BACKEND_ERROR_LINES_METRIC,
  BACKEND_LOG_NAMESPACE,
  catalogueAlerts,
  DOCUMENTED_AWS_METRICS,
  FAILURE_MODES,
  grafanaAlertNames,
  RUNBOOK_DIR,
  runbookPath,
} from "@trackgraph/dashboards";
import { DIMENSION, METRICS, NAMESPACE } from "@trackgraph/log-parser/metrics";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resources, synthStack, type TerraformJson } from "./synth.js";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; these tests read nested blocks.
type Block = Record<string, any>;

/**
 * The acceptance test of the alerting: the catalogue (packages/dashboards), the Prometheus rules and the
 * CloudWatch alarms this app synthesizes, and docs/runbooks, held to each other in both directions.
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));
const PREFIX = "trackgraph-test-";

/** The stacks between them make every alarm: both platforms, both regions, every optional alarm on. */
const variants: Record<string, TerraformJson> = {
  "ecs-express in us-east-1": synthStack().json,
  "app-runner in eu-west-1, heartbeat, reserved concurrency": synthStack({
    region: "eu-west-1",
    backend: { platform: "app-runner" },
    logPipeline: { reservedConcurrency: 20 },
    observability: { alerts: { email: "oncall@example.com", logHeartbeatMinutes: 60 } },
  }).json,
};

const alarmsOf = (json: TerraformJson) => [
  ...(resources(json, "aws_cloudwatch_metric_alarm") as Block[]),
  ...(resources(json, "aws_cloudwatch_composite_alarm") as Block[]),
];
const idOf = (alarm: Block) => String(alarm.alarm_name).slice(PREFIX.length);
const notifying = (json: TerraformJson) => alarmsOf(json).filter((a) => (a.alarm_actions ?? []).length > 0);

const alertRulesOf = (json: TerraformJson): Block[] => {
  const namespace = resources(json, "aws_prometheus_rule_group_namespace")[0] as Block;
  return (parse(namespace.data).groups as Block[])
    .flatMap((g) => g.rules)
    .filter((r) => r.alert !== undefined);
};

const rows = catalogueAlerts();
const runbookFiles = readdirSync(`${root}${RUNBOOK_DIR}`)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .map((f) => f.replace(/\.md$/, ""));

describe("acceptance: catalogue, alerts, alarms and runbooks", () => {
  for (const [variant, json] of Object.entries(variants)) {
    it(`gives every CloudWatch alarm that notifies a catalogue row of its severity, and a runbook (${variant})`, () => {
      for (const alarm of notifying(json)) {
        const id = idOf(alarm);
        const row = rows.find((r) => r.alert === id);
        expect(row, `${alarm.alarm_name} has no catalogue row`).toMatchObject({ source: "cloudwatch" });
        expect(String(alarm.alarm_description), id).toContain(`Severity: ${row?.severity}.`);
        expect(existsSync(`${root}${runbookPath(id)}`), runbookPath(id)).toBe(true);
        expect(String(alarm.alarm_description), id).toContain(`Runbook: ${runbookPath(id)}`);
      }
    });

    it(`routes every alarm without actions into a composite that notifies (${variant})`, () => {
      const composites = resources(json, "aws_cloudwatch_composite_alarm") as Block[];
      for (const alarm of alarmsOf(json).filter((a) => (a.alarm_actions ?? []).length === 0)) {
        const composite = composites.find((c) => String(c.alarm_rule).includes(`"${alarm.alarm_name}"`));
        expect(composite, `${alarm.alarm_name} notifies nobody`).toBeDefined();
        expect(String(alarm.alarm_description)).toContain(
          `Runbook: ${runbookPath(idOf(composite as Block))}`,
        );
      }
    });

    it(`gives every Prometheus alert a catalogue row of its severity and a runbook that exists (${variant})`, () => {
      for (const rule of alertRulesOf(json)) {
        const row = rows.find((r) => r.alert === rule.alert);
        expect(row, `${rule.alert} has no catalogue row`).toMatchObject({
          source: "prometheus",
          severity: rule.labels.severity,
        });
        expect(rule.annotations.runbook_url).toBe(runbookPath(rule.alert));
        expect(existsSync(`${root}${rule.annotations.runbook_url}`), rule.annotations.runbook_url).toBe(true);
      }
    });
  }

  it("finds every catalogue row's alert: the CloudWatch ones in a synthesized stack, the AMP ones in its rules", () => {
    const synthesized = new Set(Object.values(variants).flatMap((json) => notifying(json).map(idOf)));
    const rules = new Set(Object.values(variants).flatMap((json) => alertRulesOf(json).map((r) => r.alert)));
    const missing = rows.filter((r) =>
      r.source === "cloudwatch"
        ? !synthesized.has(r.alert)
        : r.source === "prometheus"
          ? !rules.has(r.alert)
          : !grafanaAlertNames().includes(r.alert),
    );
    // backend-5xx on ECS Express needs the load balancer's names, which Express Mode makes itself: it is
    // synthesized here on App Runner.
    expect(missing.map((r) => `${r.source} ${r.alert}`)).toEqual([]);
  });

  it("leaves no runbook orphaned: each is the runbook of a catalogue alert", () => {
    expect(runbookFiles.filter((f) => !rows.some((r) => r.alert === f))).toEqual([]);
    expect(rows.filter((r) => !runbookFiles.includes(r.alert)).map((r) => r.alert)).toEqual([]);
  });

  it("has rows of every severity and component, and tells which rows need a setting", () => {
    expect(new Set(FAILURE_MODES.map((m) => m.severity))).toEqual(new Set(["page", "ticket"]));
    expect(FAILURE_MODES.filter((m) => m.alert === "log-heartbeat").every((m) => m.only !== undefined)).toBe(
      true,
    );
  });
});

/** A Metrics Insights query: the metric it reads, its namespace, and the dimensions it filters on. */
function insights(expression: string): { namespace: string; name: string; dimensions: string[] } | undefined {
  const m = /^SELECT\s+\w+\((\w+)\)\s+FROM\s+"([^"]+)"(?:\s+WHERE\s+(.*))?$/i.exec(expression);
  if (m === null) return undefined;
  const dimensions = [...(m[3] ?? "").matchAll(/(\w+)\s*=\s*'/g)].map((d) => d[1] as string);
  return { namespace: m[2] as string, name: m[1] as string, dimensions };
}

/** Every metric a synthesized alarm reads, with the dimensions it selects it by. */
function metricsRead(json: TerraformJson) {
  return (resources(json, "aws_cloudwatch_metric_alarm") as Block[]).flatMap((a) => {
    if (a.metric_query === undefined)
      return [
        {
          alarm: a.alarm_name,
          namespace: a.namespace,
          name: a.metric_name,
          dimensions: Object.keys(a.dimensions),
        },
      ];
    return (a.metric_query as Block[]).flatMap((q) => {
      if (q.metric !== undefined)
        return [
          {
            alarm: a.alarm_name,
            namespace: q.metric.namespace,
            name: q.metric.metric_name,
            dimensions: Object.keys(q.metric.dimensions),
          },
        ];
      const query = insights(String(q.expression));
      return query === undefined ? [] : [{ alarm: a.alarm_name, ...query }];
    });
  });
}

describe("contract: every metric an alarm reads is one our code emits or one AWS documents", () => {
  const read = Object.values(variants).flatMap(metricsRead);

  it("reads TrackGraph/CloudFront metrics from the log parser's documented list, by its one dimension", () => {
    const ours = read.filter((m) => m.namespace === NAMESPACE);
    expect(new Set(ours.map((m) => m.name))).toEqual(
      new Set(["Requests", "Requests5xx", "LogObjectsProcessed", "BatchesResent", "DroppedOutOfWindow"]),
    );
    for (const m of ours) {
      expect(Object.keys(METRICS), m.alarm).toContain(m.name);
      expect(m.dimensions).toEqual([DIMENSION]);
    }
  });

  it("reads TrackGraph/Backend's error lines from the metric filter the stack makes on the backend's logs", () => {
    const ours = read.filter((m) => m.namespace === BACKEND_LOG_NAMESPACE);
    expect(new Set(ours.map((m) => m.name))).toEqual(new Set([BACKEND_ERROR_LINES_METRIC]));
    for (const m of ours) expect(m.dimensions, m.alarm).toEqual([]);
    for (const [variant, json] of Object.entries(variants)) {
      const filters = resources(json, "aws_cloudwatch_log_metric_filter") as Block[];
      expect(
        filters.map((f) => [f.metric_transformation.namespace, f.metric_transformation.name]),
        variant,
      ).toEqual([[BACKEND_LOG_NAMESPACE, BACKEND_ERROR_LINES_METRIC]]);
    }
  });

  it("reads every AWS metric as AWS documents it: namespace, name and dimensions, with the page that says so", () => {
    const theirs = read.filter((m) => m.namespace !== NAMESPACE && m.namespace !== BACKEND_LOG_NAMESPACE);
    expect(theirs.length).toBeGreaterThan(15);
    for (const m of theirs) {
      const doc = DOCUMENTED_AWS_METRICS.find((d) => d.namespace === m.namespace && d.metric === m.name);
      expect(doc, `${m.alarm}: ${m.namespace} ${m.name} is not in DOCUMENTED_AWS_METRICS`).toBeDefined();
      expect([...m.dimensions].sort(), `${m.alarm}: ${m.name}`).toEqual([...(doc?.dimensions ?? [])].sort());
      expect(doc?.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
    // Each documented entry is read by some alarm: the table lists nothing we do not alarm on.
    const used = new Set(theirs.map((m) => `${m.namespace} ${m.name}`));
    const unused = DOCUMENTED_AWS_METRICS.filter((d) => !used.has(`${d.namespace} ${d.metric}`)).map(
      (d) => `${d.namespace} ${d.metric}`,
    );
    // The ALB's are read on ECS Express only with the load balancer's names (not synthesized here);
    // Lambda's Invocations by the Grafana rule on the CloudWatch data source.
    expect(unused.sort()).toEqual([
      "AWS/ApplicationELB HTTPCode_Target_5XX_Count",
      "AWS/ApplicationELB RequestCount",
      "AWS/Lambda Invocations",
    ]);
  });

  it("catches a metric AWS does not document (the check can fail)", () => {
    const doc = (ns: string, name: string) =>
      DOCUMENTED_AWS_METRICS.some((d) => d.namespace === ns && d.metric === name);
    expect(doc("AWS/Lambda", "Errors")).toBe(true);
    expect(doc("AWS/Lambda", "ErrorCount")).toBe(false);
    expect(insights(`SELECT MAX(ActiveInstances) FROM "AWS/AppRunner" WHERE ServiceName = 'x'`)).toEqual({
      namespace: "AWS/AppRunner",
      name: "ActiveInstances",
      dimensions: ["ServiceName"],
    });
  });
});
