import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alertmanagerDefinition, labelNames, metricNames, RULE_GROUPS, rulesYaml } from "../src/index.js";

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

describe("the rule file and the Alertmanager definition", () => {
  it("renders every group and rule, recording rules before the alerts that read them", () => {
    const parsed = parse(rulesYaml()) as { groups: Array<{ name: string; rules: unknown[] }> };
    expect(parsed.groups.map((g) => g.name)).toEqual(RULE_GROUPS.map((g) => g.name));
    expect(parsed.groups.flatMap((g) => g.rules)).toHaveLength(RULE_GROUPS.flatMap((g) => g.rules).length);
  });

  it("routes every alert to the SNS topic, signed for its region", () => {
    const outer = parse(
      alertmanagerDefinition({ topicArn: "arn:aws:sns:eu-west-1:123456789012:alerts", region: "eu-west-1" }),
    );
    const config = parse(outer.alertmanager_config);
    expect(config.route.receiver).toBe("sns");
    expect(config.receivers[0].sns_configs[0]).toMatchObject({
      topic_arn: "arn:aws:sns:eu-west-1:123456789012:alerts",
      sigv4: { region: "eu-west-1" },
    });
  });
});
