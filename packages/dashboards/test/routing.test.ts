import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  alertmanagerConfig,
  alertmanagerDefinition,
  alertRules,
  DATASOURCES,
  grafanaDatasourceAlerts,
  inhibitRules,
  RULE_GROUPS,
  ruleGroups,
  rulesYaml,
} from "../src/index.js";
import { ALERT_TOPICS } from "./targets.js";

const options = ALERT_TOPICS;

/** One Alertmanager matcher (`name="v"`, `name=~"re"`) against a label set. */
function matches(matcher: string, labels: Record<string, string | undefined>): boolean {
  const m = /^([a-z_]+)(=~|!=|=)"(.*)"$/.exec(matcher);
  if (m === null) throw new Error(`matcher not modelled: ${matcher}`);
  const [, name, op, value] = m as unknown as [string, string, string, string];
  const actual = labels[name] ?? "";
  if (op === "=") return actual === value;
  if (op === "!=") return actual !== value;
  return new RegExp(`^(?:${value})$`).test(actual);
}

/** The receiver Alertmanager picks for an alert's labels (first matching child route, else the root). */
function receiverOf(labels: Record<string, string | undefined>): string {
  const route = alertmanagerConfig(options).route;
  return route.routes.find((r) => r.matchers.every((m) => matches(m, labels)))?.receiver ?? route.receiver;
}

const alerts = alertRules().map((r) => ({ ...r.labels, alertname: r.alert }));

describe("the Alertmanager route", () => {
  it("is AMP's definition format: the Alertmanager config as a YAML string", () => {
    const config = parse(parse(alertmanagerDefinition(options)).alertmanager_config);
    expect(config).toEqual(JSON.parse(JSON.stringify(alertmanagerConfig(options))));
  });

  it("sends pages to the page topic and everything else to the ticket topic, signed for the region", () => {
    const config = alertmanagerConfig(options);
    const topic = (receiver: string) => config.receivers.find((r) => r.name === receiver)?.sns_configs[0];
    for (const a of alerts) {
      const sns = topic(receiverOf(a));
      expect(sns?.topic_arn, a.alertname).toBe(
        a.severity === "page" ? options.pageTopicArn : options.ticketTopicArn,
      );
      expect(sns?.sigv4.region).toBe("eu-west-1");
      expect(sns?.attributes.severity, a.alertname).toBe(a.severity);
    }
    expect(alerts.filter((a) => a.severity === "page").length).toBeGreaterThan(3);
  });

  it("inhibits only real alerts: every rule's source and target match alerts we define", () => {
    for (const rule of inhibitRules()) {
      const sources = alerts.filter((a) => rule.source_matchers.every((m) => matches(m, a)));
      const targets = alerts.filter((a) => rule.target_matchers.every((m) => matches(m, a)));
      expect(sources.length, rule.reason).toBeGreaterThan(0);
      expect(targets.length, rule.reason).toBeGreaterThan(0);
      for (const s of sources)
        expect(
          targets.map((t) => t.alertname),
          rule.reason,
        ).not.toContain(s.alertname);
    }
  });

  it("makes a dead scraper one page: its absence silences every backend alert, pages included", () => {
    const inhibited = (source: string) =>
      alerts
        .filter((t) =>
          inhibitRules().some(
            (r) =>
              r.source_matchers.every((m) => matches(m, { alertname: source })) &&
              r.target_matchers.every((m) => matches(m, t)),
          ),
        )
        .map((t) => t.alertname)
        .sort();
    expect(inhibited("TelemetryScraperAbsent")).toEqual([
      "BackendAvailabilityBudgetBurnFast",
      "BackendAvailabilityBudgetBurnSlow",
      "BackendDroppingSpans",
      "BackendLatencyBudgetBurnFast",
      "BackendLatencyBudgetBurnSlow",
      "BackendMetricsAbsent",
      "BackendScrapeDown",
    ]);
    expect(inhibited("TelemetryProxyAbsent")).toEqual(["BackendDroppingSpans"]);
  });

  it("refuses an inhibit rule naming an alert that does not exist", () => {
    const renamed = RULE_GROUPS.map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        "alert" in r && r.alert === "TelemetryProxyAbsent" ? { ...r, alert: "ProxyGone" } : r,
      ),
    }));
    expect(() => inhibitRules(renamed)).toThrow(/TelemetryProxyAbsent/);
  });
});

describe("runbook links", () => {
  it("put every alert's runbook under the base given (repository-relative by default)", () => {
    for (const r of alertRules()) expect(r.annotations.runbook_url).toBe(`docs/runbooks/${r.alert}.md`);
    const base = "https://github.com/acme/trackgraph/blob/main/docs/runbooks/";
    const linked = ruleGroups({ runbookBaseUrl: base });
    for (const r of alertRules(linked)) expect(r.annotations.runbook_url).toBe(`${base}${r.alert}.md`);
    expect(rulesYaml(linked)).not.toBe(rulesYaml());
  });
});

describe("the Grafana data-source rules", () => {
  const group = grafanaDatasourceAlerts({
    folderUid: "trackgraph",
    region: "eu-west-1",
    logParserFunction: "fn",
  });

  it("query each metrics data source by its uid and fire on a query error", () => {
    expect(group.rule.map((r) => JSON.parse(r.data[0]?.model ?? "{}").refId)).toEqual(["A", "A"]);
    expect(group.rule.map((r) => r.data[0]?.datasource_uid)).toEqual([
      DATASOURCES.prometheus.uid,
      DATASOURCES.cloudwatch.uid,
    ]);
    for (const r of group.rule) {
      expect(r.exec_err_state).toBe("Alerting");
      expect(r.condition).toBe(r.data[1]?.ref_id);
      expect(r.annotations.runbook_url).toBe(`docs/runbooks/${r.name}.md`);
    }
  });

  it("treat no data as a failure for AMP (vector(1) always answers) and as fine for CloudWatch", () => {
    expect(group.rule.map((r) => r.no_data_state)).toEqual(["Alerting", "OK"]);
  });
});
