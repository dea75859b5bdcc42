import { AWS_METRICS, rulesYaml } from "@trackgraph/dashboards";
import { DIMENSION, METRICS, NAMESPACE } from "@trackgraph/log-parser/metrics";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../src/config/load.js";
import { policyDocuments, resources, synthStack } from "./synth.js";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; these tests read nested blocks.
type Block = Record<string, any>;

const { json } = synthStack({ observability: { alerts: { email: "oncall@example.com" } } });
const topic = resources(json, "aws_sns_topic")[0] as Block;
const topicRef = expect.stringMatching(/^\$\{aws_sns_topic\.alerting_topic_.*\.arn\}$/);

describe("alerting", () => {
  it("has one CMK-encrypted SNS topic, with the e-mail subscription from config", () => {
    expect(resources(json, "aws_sns_topic")).toHaveLength(1);
    expect(topic.kms_master_key_id).toMatch(/aws_kms_key\.key_/);
    expect(resources(json, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com", topic_arn: topicRef }),
    ]);
    expect(resources(synthStack().json, "aws_sns_topic_subscription")).toEqual([]);
  });

  it("lets only AMP (this workspace) and CloudWatch (this account) publish, and use the key for it", () => {
    const docs = policyDocuments(json);
    const policy = Object.entries(docs).find(([id]) => id.startsWith("alerting_topic-policy-document"))?.[1];
    expect(
      policy?.statement.map((s) => [
        s.sid,
        s.principals?.[0]?.identifiers,
        s.condition?.map((c) => c.variable),
      ]),
    ).toEqual([
      ["PrometheusPublishesAlerts", ["aps.amazonaws.com"], ["aws:SourceArn", "aws:SourceAccount"]],
      ["CloudWatchPublishesAlarms", ["cloudwatch.amazonaws.com"], ["aws:SourceAccount"]],
    ]);
    const key = Object.entries(docs).find(([id]) => id.startsWith("key_policy-document"))?.[1];
    expect(key?.statement.find((s) => s.sid === "AlertPublishersEncrypt")?.actions).toEqual([
      "kms:GenerateDataKey*",
      "kms:Decrypt",
    ]);
  });

  it("fills AMP's rule namespace with the dashboards package's rules, and routes Alertmanager to the topic", () => {
    expect(resources(json, "aws_prometheus_rule_group_namespace")).toEqual([
      expect.objectContaining({ name: "trackgraph", data: rulesYaml() }),
    ]);
    const definition = resources(json, "aws_prometheus_alert_manager_definition")[0] as Block;
    const config = parse(parse(definition.definition).alertmanager_config);
    expect(config.receivers[0].sns_configs[0].topic_arn).toEqual(topicRef);
    expect(config.receivers[0].sns_configs[0].sigv4.region).toMatch(/data\.aws_region/);
  });

  it("alarms on the edge's 5xx ratio, the log parser's errors and its dead-letter queue, to the topic", () => {
    const alarms = resources(json, "aws_cloudwatch_metric_alarm") as Block[];
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual([
      "trackgraph-test-edge-5xx-ratio",
      "trackgraph-test-log-parser-dead-letters",
      "trackgraph-test-log-parser-errors",
    ]);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([topicRef]);
      expect(alarm.ok_actions).toEqual([topicRef]);
      expect(alarm.treat_missing_data).toBe("notBreaching");
    }
    const named = (suffix: string) => alarms.find((a) => String(a.alarm_name).endsWith(suffix)) as Block;
    const [edge, errors, deadLetters] = [named("5xx-ratio"), named("errors"), named("dead-letters")];
    expect(edge.threshold).toBe(0.05);
    expect(edge.metric_query.map((q: Block) => q.metric?.metric_name ?? q.expression)).toEqual([
      "Requests5xx",
      "Requests",
      "errors / requests",
    ]);
    expect(edge.metric_query[0].metric).toMatchObject({
      namespace: "TrackGraph/CloudFront",
      dimensions: {
        DistributionId: expect.stringMatching(/aws_cloudfront_distribution\.edge_distribution_.*\.id/),
      },
    });
    expect(errors).toMatchObject({ namespace: "AWS/Lambda", metric_name: "Errors" });
    expect(errors.dimensions.FunctionName).toMatch(/aws_lambda_function\.log-pipeline_function_/);
    expect(deadLetters).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
    });
    expect(deadLetters.dimensions.QueueName).toMatch(
      /aws_sqs_queue\.log-pipeline_dead-letter-queue_.*\.name/,
    );
  });

  it("takes the edge threshold from config and refuses a bad e-mail address with its key", () => {
    const strict = synthStack({ observability: { alerts: { edge5xxRatio: 0.01 } } }).json;
    expect((resources(strict, "aws_cloudwatch_metric_alarm")[0] as Block).threshold).toBe(0.01);
    expect(() =>
      parseStackConfig(
        "bad.json",
        JSON.stringify({ trackgraph: { observability: { alerts: { email: "oncall" } } } }),
      ),
    ).toThrow(/observability\.alerts\.email.*an e-mail address/s);
  });
});

describe("contract: every metric an alarm reads is one the code or AWS emits", () => {
  const alarms = resources(json, "aws_cloudwatch_metric_alarm") as Block[];
  const read = alarms.flatMap((a) =>
    a.metric_query === undefined
      ? [
          {
            alarm: a.alarm_name,
            namespace: a.namespace,
            name: a.metric_name,
            dimensions: Object.keys(a.dimensions),
          },
        ]
      : (a.metric_query as Block[])
          .filter((q) => q.metric !== undefined)
          .map((q) => ({
            alarm: a.alarm_name,
            namespace: q.metric.namespace,
            name: q.metric.metric_name,
            dimensions: Object.keys(q.metric.dimensions),
          })),
  );

  it("reads TrackGraph/CloudFront metrics from the log parser's documented list, by its one dimension", () => {
    const ours = read.filter((m) => m.namespace === NAMESPACE);
    expect(ours.map((m) => m.name).sort()).toEqual(["Requests", "Requests5xx"]);
    for (const m of ours) {
      expect(Object.keys(METRICS), m.alarm).toContain(m.name);
      expect(m.dimensions).toEqual([DIMENSION]);
    }
  });

  it("reads AWS/Lambda and AWS/SQS metrics from AWS's documented ones, and nothing else", () => {
    const known = new Map<string, { dimension: string; metrics: readonly string[] }>(
      Object.values(AWS_METRICS).map((m) => [m.namespace, m]),
    );
    for (const m of read.filter((r) => r.namespace !== NAMESPACE)) {
      const documented = known.get(m.namespace);
      expect(documented, `${m.alarm}: ${m.namespace}`).toBeDefined();
      expect(documented?.metrics).toContain(m.name);
      expect(m.dimensions).toEqual([documented?.dimension]);
    }
  });
});
