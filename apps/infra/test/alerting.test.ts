import { githubRunbookBase, ruleGroups, rulesYaml } from "@trackgraph/dashboards";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../src/config/load.js";
import { policyDocuments, resources, synthStack, type TerraformJson } from "./synth.js";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; these tests read nested blocks.
type Block = Record<string, any>;

const { json } = synthStack({ observability: { alerts: { email: "oncall@example.com" } } });
const topicRef = (name: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{aws_sns_topic\\.alerting_${name}_[0-9A-F]{8}\\.arn\\}$`));
const ticketRef = topicRef("topic");
const pageRef = topicRef("page-topic");

const alarms = (j: TerraformJson) => resources(j, "aws_cloudwatch_metric_alarm") as Block[];
const composites = (j: TerraformJson) => resources(j, "aws_cloudwatch_composite_alarm") as Block[];
const named = (list: Block[], id: string) =>
  list.find((a) => a.alarm_name === `trackgraph-test-${id}`) as Block;

describe("alerting: topics and routing", () => {
  it("has a page and a ticket topic, CMK-encrypted, the e-mail from config subscribed to both", () => {
    const topics = resources(json, "aws_sns_topic") as Block[];
    expect(topics.map((t) => t.name).sort()).toEqual([
      "trackgraph-test-alerts",
      "trackgraph-test-alerts-page",
    ]);
    for (const t of topics) expect(t.kms_master_key_id).toMatch(/aws_kms_key\.key_/);
    expect(resources(json, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com", topic_arn: pageRef }),
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com", topic_arn: ticketRef }),
    ]);
    expect(resources(synthStack().json, "aws_sns_topic_subscription")).toEqual([]);
  });

  it("lets only AMP (this workspace) and CloudWatch (this account) publish to each topic, and use the key for it", () => {
    const docs = policyDocuments(json);
    for (const prefix of ["alerting_topic-policy-document_", "alerting_topic-policy-document-page_"]) {
      const policy = Object.entries(docs).find(([id]) => id.startsWith(prefix))?.[1];
      expect(
        policy?.statement.map((s) => [
          s.sid,
          s.principals?.[0]?.identifiers,
          s.condition?.map((c) => c.variable),
        ]),
        prefix,
      ).toEqual([
        ["PrometheusPublishesAlerts", ["aps.amazonaws.com"], ["aws:SourceArn", "aws:SourceAccount"]],
        ["CloudWatchPublishesAlarms", ["cloudwatch.amazonaws.com"], ["aws:SourceAccount"]],
      ]);
    }
    const key = Object.entries(docs).find(([id]) => id.startsWith("key_policy-document"))?.[1];
    expect(key?.statement.find((s) => s.sid === "AlertPublishersEncrypt")?.actions).toEqual([
      "kms:GenerateDataKey*",
      "kms:Decrypt",
    ]);
  });

  it("fills AMP's rule namespace with the dashboards package's rules, and routes each severity to its topic", () => {
    expect(resources(json, "aws_prometheus_rule_group_namespace")).toEqual([
      expect.objectContaining({ name: "trackgraph", data: rulesYaml() }),
    ]);
    const definition = resources(json, "aws_prometheus_alert_manager_definition")[0] as Block;
    const config = parse(parse(definition.definition).alertmanager_config);
    const receiver = (name: string) => config.receivers.find((r: Block) => r.name === name).sns_configs[0];
    expect(config.route.receiver).toBe("ticket");
    expect(config.route.routes).toEqual([
      expect.objectContaining({ matchers: ['severity="page"'], receiver: "page" }),
    ]);
    expect(receiver("page").topic_arn).toEqual(pageRef);
    expect(receiver("ticket").topic_arn).toEqual(ticketRef);
    expect(receiver("page").sigv4.region).toMatch(/data\.aws_region/);
    expect(config.inhibit_rules.length).toBeGreaterThan(0);
  });

  it("links runbooks on GitHub when the stack names its repository", () => {
    const withRepo = synthStack({ github: { repository: "acme/trackgraph", deployBranch: "main" } }).json;
    const base = githubRunbookBase("acme/trackgraph", "main");
    expect(resources(withRepo, "aws_prometheus_rule_group_namespace")[0]).toMatchObject({
      data: rulesYaml(ruleGroups({ runbookBaseUrl: base })),
    });
    expect(named(alarms(withRepo), "log-parser-errors").alarm_description).toContain(
      `${base}/log-parser-errors.md`,
    );
    expect(named(alarms(json), "log-parser-errors").alarm_description).toContain(
      "Runbook: docs/runbooks/log-parser-errors.md",
    );
  });
});

describe("alerting: CloudWatch alarms", () => {
  it("notifies the topic of each alarm's severity; composite inputs notify nobody", () => {
    const pages = ["edge-cloudfront-5xx-rate"];
    for (const a of alarms(json)) {
      const description = String(a.alarm_description);
      expect(a.actions_enabled, a.alarm_name).toBe(true);
      if (description.includes("Input of ")) {
        expect(a.alarm_actions, a.alarm_name).toEqual([]);
        continue;
      }
      const page = description.includes("Severity: page.");
      expect(page, a.alarm_name).toBe(pages.some((p) => a.alarm_name.endsWith(p)));
      // CloudFront's alarms are in us-east-1, like this test stack: the stack's own topics serve them.
      expect(a.alarm_actions, a.alarm_name).toEqual([page ? pageRef : ticketRef]);
      expect(a.ok_actions, a.alarm_name).toEqual(a.alarm_actions);
    }
    for (const c of composites(json)) {
      const page = String(c.alarm_description).includes("Severity: page.");
      expect(c.alarm_actions, c.alarm_name).toEqual([page ? pageRef : ticketRef]);
    }
    expect(
      composites(json)
        .map((c) => c.alarm_name)
        .sort(),
    ).toEqual([
      "trackgraph-test-backend-saturated",
      "trackgraph-test-edge-5xx-budget-burn-fast",
      "trackgraph-test-edge-5xx-budget-burn-slow",
    ]);
  });

  it("creates each composite after its inputs, and names them by their full names", () => {
    const fast = named(composites(json), "edge-5xx-budget-burn-fast");
    expect(fast.alarm_rule).toBe(
      '(ALARM("trackgraph-test-edge-5xx-burn-1h-page") AND ALARM("trackgraph-test-edge-5xx-burn-5m-page")) OR (ALARM("trackgraph-test-edge-5xx-burn-6h-page") AND ALARM("trackgraph-test-edge-5xx-burn-30m-page"))',
    );
    expect(fast.depends_on).toHaveLength(4);
    for (const dep of fast.depends_on)
      expect(dep).toMatch(/^aws_cloudwatch_metric_alarm\.alerting_edge-5xx-burn-/);
  });

  it("reads the edge's budget as metric math over one period as long as each window", () => {
    const oneHour = named(alarms(json), "edge-5xx-burn-1h-page");
    expect(oneHour.threshold).toBe(0.072);
    expect(oneHour.metric_query.map((q: Block) => q.metric?.metric_name ?? q.expression)).toEqual([
      "Requests5xx",
      "Requests",
      "FILL(errors, 0) / requests",
    ]);
    expect(oneHour.metric_query[0].metric).toMatchObject({
      namespace: "TrackGraph/CloudFront",
      period: 3600,
      stat: "Sum",
      dimensions: {
        DistributionId: expect.stringMatching(/aws_cloudfront_distribution\.edge_distribution_.*\.id/),
      },
    });
    const threeDays = named(alarms(json), "edge-5xx-burn-3d-ticket");
    expect(threeDays.metric_query[0].metric.period).toBe(3 * 86_400);
    expect(threeDays.threshold).toBe(0.005);
  });

  it("takes CloudFront's 5xx threshold from config (a percentage), in us-east-1 with Region=Global", () => {
    const strict = synthStack({ observability: { alerts: { edge5xxRatio: 0.01 } } }).json;
    const rate = named(alarms(strict), "edge-cloudfront-5xx-rate");
    expect(rate).toMatchObject({
      threshold: 1,
      provider: "aws.us_east_1",
      namespace: "AWS/CloudFront",
      metric_name: "5xxErrorRate",
      dimensions: { Region: "Global" },
    });
    expect(() =>
      parseStackConfig(
        "bad.json",
        JSON.stringify({ trackgraph: { observability: { alerts: { email: "oncall" } } } }),
      ),
    ).toThrow(/observability\.alerts\.email.*an e-mail address/s);
  });

  it("enables CloudFront's additional metrics, which OriginLatency needs", () => {
    expect(resources(json, "aws_cloudfront_monitoring_subscription")).toEqual([
      expect.objectContaining({
        monitoring_subscription: {
          realtime_metrics_subscription_config: { realtime_metrics_subscription_status: "Enabled" },
        },
      }),
    ]);
  });

  it("gives CloudFront's alarms topics and a key of their own in us-east-1 when the stack is elsewhere", () => {
    const eu = synthStack({
      region: "eu-west-1",
      observability: { alerts: { email: "oncall@example.com" } },
    }).json;
    const usTopics = (resources(eu, "aws_sns_topic") as Block[]).filter(
      (t) => t.provider === "aws.us_east_1",
    );
    expect(usTopics.map((t) => t.name).sort()).toEqual([
      "trackgraph-test-alerts-us-east-1",
      "trackgraph-test-alerts-us-east-1-page",
    ]);
    for (const t of usTopics)
      expect(t.kms_master_key_id).toMatch(/aws_kms_key\.alerting_us-east-1-key_.*\.arn/);
    expect(resources(eu, "aws_kms_key").find((k: Block) => k.provider === "aws.us_east_1")).toMatchObject({
      enable_key_rotation: true,
    });
    const rate = named(alarms(eu), "edge-cloudfront-5xx-rate");
    expect(rate.alarm_actions).toEqual([topicRef("us-east-1-topic-page")]);
    expect(named(alarms(eu), "edge-origin-latency").alarm_actions).toEqual([topicRef("us-east-1-topic")]);
    // Everything else stays in the stack's region, on the stack's topics.
    expect(named(alarms(eu), "log-parser-errors").provider).toBeUndefined();
    const subscribed = (resources(eu, "aws_sns_topic_subscription") as Block[]).map((s) =>
      String(s.topic_arn),
    );
    expect(subscribed.filter((arn) => arn.includes("us-east-1-topic"))).toHaveLength(2);
  });

  it("has a log heartbeat only when configured, treating missing data as breaching", () => {
    expect(named(alarms(json), "log-heartbeat")).toBeUndefined();
    const hb = synthStack({ observability: { alerts: { logHeartbeatMinutes: 90 } } }).json;
    expect(named(alarms(hb), "log-heartbeat")).toMatchObject({
      namespace: "TrackGraph/CloudFront",
      metric_name: "LogObjectsProcessed",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      period: 300,
      evaluation_periods: 18,
      datapoints_to_alarm: 18,
      treat_missing_data: "breaching",
      alarm_actions: [ticketRef],
    });
    for (const bad of [10, 62, 2000])
      expect(() =>
        parseStackConfig(
          "bad.json",
          JSON.stringify({ trackgraph: { observability: { alerts: { logHeartbeatMinutes: bad } } } }),
        ),
      ).toThrow(/observability\.alerts\.logHeartbeatMinutes/);
  });

  it("alarms on the function's concurrency only with a reservation, at 80% of it", () => {
    expect(named(alarms(json), "log-parser-concurrency-near-reserve")).toBeUndefined();
    const reserved = synthStack({ logPipeline: { reservedConcurrency: 20 } }).json;
    expect(named(alarms(reserved), "log-parser-concurrency-near-reserve")).toMatchObject({
      metric_name: "ConcurrentExecutions",
      threshold: 16,
      comparison_operator: "GreaterThanOrEqualToThreshold",
    });
  });

  it("warns before the log parser's timeout, from its configured timeout", () => {
    const slow = synthStack({ logPipeline: { timeoutSeconds: 600 } }).json;
    expect(named(alarms(slow), "log-parser-duration-near-timeout")).toMatchObject({
      metric_name: "Duration",
      statistic: "Maximum",
      threshold: 480_000,
    });
  });

  it("reads the backend by the names its service really has, on either platform", () => {
    const ecs = synthStack().json;
    const express = resources(ecs, "aws_ecs_express_gateway_service")[0] as Block;
    const clusterId = /^\$\{aws_ecs_cluster\.([^.]+)\.name\}$/.exec(express.cluster)?.[1] as string;
    expect(named(alarms(ecs), "backend-cpu-high").dimensions).toEqual({
      ClusterName: (ecs.resource.aws_ecs_cluster as Block)[clusterId].name,
      ServiceName: express.service_name,
    });
    expect(named(alarms(ecs), "backend-instances-at-max")).toMatchObject({
      namespace: "ECS/ContainerInsights",
      metric_name: "RunningTaskCount",
      threshold: 4,
    });
    const apprunner = synthStack({ backend: { platform: "app-runner", maxInstances: 6 } }).json;
    const service = (resources(apprunner, "aws_apprunner_service") as Block[]).find((s) =>
      String(s.service_name).endsWith("-backend"),
    ) as Block;
    const cpu = named(alarms(apprunner), "backend-cpu-high");
    expect(cpu.metric_query[0].expression).toBe(
      `SELECT AVG(CPUUtilization) FROM "AWS/AppRunner" WHERE ServiceName = '${service.service_name}'`,
    );
    expect(cpu.metric_query[0].period).toBe(60);
    expect(named(alarms(apprunner), "backend-instances-at-max").threshold).toBe(6);
    expect(named(alarms(apprunner), "backend-5xx")).toBeDefined();
    expect(named(alarms(ecs), "backend-5xx")).toBeUndefined();
  });
});
