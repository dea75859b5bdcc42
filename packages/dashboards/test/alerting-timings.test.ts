import { describe, expect, it } from "vitest";
import {
  alertmanagerConfig,
  alertRules,
  ampRestrictionViolations,
  localAlertmanagerConfig,
  RULE_GROUPS,
  RuleTimingsError,
  ruleGroups,
  rulesYaml,
} from "../src/index.js";
import { ALERT_TOPICS } from "./targets.js";

const options = ALERT_TOPICS;
const local = { apiUrl: "http://127.0.0.1:5000", accessKey: "testing", secretKey: "testing" };
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

describe("the definition we give AMP and its local rendering", () => {
  it("the AMP definition keeps to AMP's documented restrictions", () => {
    expect(ampRestrictionViolations(plain(alertmanagerConfig(options)))).toEqual([]);
  });

  it("the local rendering adds only api_url and SigV4 keys, which AMP would refuse", () => {
    const rendered = plain(localAlertmanagerConfig(options, local));
    expect(ampRestrictionViolations(rendered)).toEqual([
      "receiver page: api_url (AMP sets it and refuses one)",
      "receiver page: sigv4.access_key (AMP signs with its own role)",
      "receiver page: sigv4.secret_key (AMP signs with its own role)",
      "receiver ticket: api_url (AMP sets it and refuses one)",
      "receiver ticket: sigv4.access_key (AMP signs with its own role)",
      "receiver ticket: sigv4.secret_key (AMP signs with its own role)",
    ]);
    // Strip those three settings and what is left is AMP's definition, route and inhibit rules included.
    const stripped = JSON.parse(JSON.stringify(rendered), (key, value) =>
      ["api_url", "access_key", "secret_key"].includes(key) ? undefined : value,
    );
    expect(stripped).toEqual(plain(alertmanagerConfig(options)));
  });

  it("reports what AMP does not take: other receivers, proxies, no region, FIFO topics, long repeats", () => {
    const config = plain(alertmanagerConfig(options)) as {
      route: { repeat_interval: string };
      receivers: Array<Record<string, unknown>>;
    };
    config.route.repeat_interval = "6d";
    config.receivers.push(
      { name: "chat", webhook_configs: [{ url: "http://example.org" }] },
      {
        name: "fifo",
        sns_configs: [{ topic_arn: "arn:aws:sns:eu-west-1:1:x.fifo", sigv4: {}, http_config: {} }],
      },
    );
    expect(ampRestrictionViolations(config)).toEqual([
      "receiver chat: webhook_configs (AMP delivers only to SNS)",
      "receiver fifo: http_config (AMP does not support it)",
      "receiver fifo: sigv4 needs a region in AMP",
      "receiver fifo: a FIFO topic (AMP needs a standard topic)",
      "route ticket: repeat_interval 6d (AMP caps it at 5 days)",
    ]);
  });
});

describe("shortened rule timings (local alert tests only)", () => {
  const fast = ruleGroups({ timings: { divideBy: 30, interval: "2s" } });

  it("leave the production rule file unchanged when not asked for", () => {
    expect(rulesYaml(ruleGroups())).toBe(rulesYaml(RULE_GROUPS));
    expect(rulesYaml(RULE_GROUPS)).not.toMatch(/\[\d+s\]/);
  });

  it("divide every for, keep_firing_for and range and set the interval; names, labels and thresholds stay", () => {
    const production = alertRules(RULE_GROUPS);
    const shortened = alertRules(fast);
    expect(shortened.map((r) => r.alert)).toEqual(production.map((r) => r.alert));
    const byName = new Map(shortened.map((r) => [r.alert, r]));
    expect(byName.get("TelemetryScraperAbsent")?.for).toBe("10s");
    expect(byName.get("TelemetryScraperAbsent")?.expr).toContain("[20s])");
    expect(byName.get("TelemetryScraperAbsent")?.keep_firing_for).toBe("6s");
    expect(byName.get("TelemetryProxyAbsent")?.keep_firing_for).toBe("14s");
    expect(byName.get("BackendMetricsAbsent")).not.toHaveProperty("keep_firing_for");
    expect(byName.get("BackendAvailabilityBudgetBurnFast")?.for).toBe("4s");
    expect(byName.get("BackendAvailabilityBudgetBurnSlow")?.for).toBe("30s");
    for (const rule of production) {
      const short = byName.get(rule.alert);
      expect(short?.labels, rule.alert).toEqual(rule.labels);
      // Only the ranges differ: the same expression once every [range] is blanked out.
      const blank = (e: string) => e.replace(/\[\d+[smhd]\]/g, "[]");
      expect(blank(short?.expr ?? ""), rule.alert).toBe(blank(rule.expr));
    }
    expect(fast.every((g) => g.interval === "2s")).toBe(true);
    const records = fast[1]?.rules.map((r) => `${"record" in r ? r.record : ""} ${r.expr}`) ?? [];
    expect(records.find((r) => r.startsWith("trackgraph:slo_availability_errors:ratio_rate1h "))).toContain(
      "[120s]",
    );
  });

  it("refuse a factor that does not give whole seconds, naming it", () => {
    expect(() => ruleGroups({ timings: { divideBy: 7, interval: "2s" } })).toThrow(RuleTimingsError);
    expect(() => ruleGroups({ timings: { divideBy: 7, interval: "2s" } })).toThrow(/divideBy 7: 5m/);
  });
});
