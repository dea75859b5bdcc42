import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  alertRules,
  labelNames,
  metricNames,
  RULE_GROUPS,
  rulesYaml,
  SLO_RECORDING_RULES,
} from "../src/index.js";

describe("metricNames and labelNames", () => {
  const expr =
    'histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_bucket{job="trackgraph-backend", http_response_status_code=~"5.."}[5m]))) / max(up{job="x"})';

  it("find every selected metric, and no function", () => {
    expect(metricNames(expr)).toEqual(["http_server_request_duration_bucket", "up"]);
  });

  it("find every label matched or grouped on", () => {
    expect(labelNames(expr).sort()).toEqual(["http_response_status_code", "http_route", "job", "le"]);
  });
});

describe("the rule file", () => {
  it("renders every group and rule, recording rules before the alerts that read them", () => {
    const parsed = parse(rulesYaml()) as { groups: Array<{ name: string; rules: unknown[] }> };
    expect(parsed.groups.map((g) => g.name)).toEqual(RULE_GROUPS.map((g) => g.name));
    expect(parsed.groups.flatMap((g) => g.rules)).toHaveLength(RULE_GROUPS.flatMap((g) => g.rules).length);
    const recorded = RULE_GROUPS.slice(0, -1).flatMap((g) =>
      g.rules.map((r) => ("record" in r ? r.record : "")),
    );
    for (const rule of RULE_GROUPS.at(-1)?.rules ?? [])
      for (const name of rule.expr.match(/trackgraph:[a-z0-9_:]+/g) ?? [])
        expect(recorded, rule.expr).toContain(name);
  });

  it("records each SLO's error ratio over every burn window", () => {
    const records = SLO_RECORDING_RULES.rules.map((r) => ("record" in r ? r.record : ""));
    expect(records).toHaveLength(14);
    expect(records).toContain("trackgraph:slo_latency_errors:ratio_rate3d");
    expect(SLO_RECORDING_RULES.rules[0]?.expr).toBe(
      '(sum(rate(http_server_request_duration_count{job="trackgraph-backend", http_response_status_code=~"5.."}[5m])) or vector(0)) / sum(rate(http_server_request_duration_count{job="trackgraph-backend"}[5m]))',
    );
  });

  it("pages on 14.4x or 6x the budget, and opens a ticket on 3x or 1x (availability: 0.5%)", () => {
    const rule = (name: string) => alertRules().find((r) => r.alert === name)?.expr;
    expect(rule("BackendAvailabilityBudgetBurnFast")).toBe(
      "(trackgraph:slo_availability_errors:ratio_rate1h > 0.072 and trackgraph:slo_availability_errors:ratio_rate5m > 0.072) or (trackgraph:slo_availability_errors:ratio_rate6h > 0.03 and trackgraph:slo_availability_errors:ratio_rate30m > 0.03)",
    );
    expect(rule("BackendLatencyBudgetBurnSlow")).toBe(
      "(trackgraph:slo_latency_errors:ratio_rate1d > 0.03 and trackgraph:slo_latency_errors:ratio_rate2h > 0.03) or (trackgraph:slo_latency_errors:ratio_rate3d > 0.01 and trackgraph:slo_latency_errors:ratio_rate6h > 0.01)",
    );
  });
});
