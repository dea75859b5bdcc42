import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { alertmanagerDefinition, EDGE_DIMENSION, EDGE_NAMESPACE, rulesYaml } from "@trackgraph/dashboards";
import { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import type { Naming } from "../stacks/naming.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { LogPipeline } from "./log-pipeline.js";
import { policyDocument } from "./policy-statements.js";
import type { TelemetryPlane } from "./telemetry-plane.js";

export interface AlertingProps {
  naming: Naming;
  config: TrackgraphConfig;
  key: EncryptionKey;
  plane: TelemetryPlane;
  logPipeline: LogPipeline;
  distributionId: string;
}

/**
 * Where alerts go and what raises them: one SNS topic (CMK-encrypted, e-mail subscription from config);
 * AMP's recording and alerting rules and its Alertmanager route to that topic (from @trackgraph/dashboards);
 * CloudWatch alarms on the edge's 5xx ratio, the log parser's errors and its dead-letter queue.
 */
export class Alerting extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];
  private readonly naming: Naming;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { naming, config, key, plane, logPipeline } = props;
    this.naming = naming;
    const settings = config.observability.alerts;
    this.topic = new SnsTopic(this, "topic", { name: naming.name("alerts"), kmsMasterKeyId: key.key.arn });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: policyDocument(this, "topic-policy-document", [
        {
          sid: "PrometheusPublishesAlerts",
          principals: [{ type: "Service", identifiers: ["aps.amazonaws.com"] }],
          actions: ["sns:Publish", "sns:GetTopicAttributes"],
          resources: [this.topic.arn],
          conditions: [
            { test: "ArnEquals", variable: "aws:SourceArn", values: [plane.workspace.arn] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: [key.accountId] },
          ],
        },
        {
          sid: "CloudWatchPublishesAlarms",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [key.accountId] }],
        },
      ]).json,
    });
    // Both services publish to an encrypted topic, so they need the key for the message data key.
    key.grant({
      sid: "AlertPublishersEncrypt",
      principals: [{ type: "Service", identifiers: ["aps.amazonaws.com", "cloudwatch.amazonaws.com"] }],
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [key.accountId] }],
    });
    new IamRolePolicy(this, "grafana-publishes", {
      name: naming.name("grafana-alerts"),
      role: plane.grafanaRole.role.id,
      policy: policyDocument(this, "grafana-publishes-document", [
        {
          sid: "GrafanaPublishesAlerts",
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
        },
        {
          sid: "GrafanaEncryptsAlerts",
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: [key.key.arn],
          conditions: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${key.region}.amazonaws.com`] },
          ],
        },
      ]).json,
    });
    if (settings.email !== undefined)
      new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: settings.email,
      });

    plane.addRuleGroupNamespace("trackgraph", rulesYaml());
    plane.setAlertManagerDefinition(alertmanagerDefinition({ topicArn: this.topic.arn, region: key.region }));

    const actions = { alarmActions: [this.topic.arn], okActions: [this.topic.arn] };
    const edge = { [EDGE_DIMENSION]: props.distributionId };
    this.alarms = [
      new CloudwatchMetricAlarm(this, "edge-5xx", {
        alarmName: naming.name("edge-5xx-ratio"),
        alarmDescription: `More than ${settings.edge5xxRatio * 100}% of CloudFront requests answered 5xx over 15 minutes (from the log parser's ${EDGE_NAMESPACE} metrics).`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: settings.edge5xxRatio,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // Logs arrive minutes late and quiet minutes publish nothing: no data is no evidence of errors.
        treatMissingData: "notBreaching",
        metricQuery: [
          {
            id: "errors",
            metric: {
              namespace: EDGE_NAMESPACE,
              metricName: "Requests5xx",
              dimensions: edge,
              period: 300,
              stat: "Sum",
            },
          },
          {
            id: "requests",
            metric: {
              namespace: EDGE_NAMESPACE,
              metricName: "Requests",
              dimensions: edge,
              period: 300,
              stat: "Sum",
            },
          },
          { id: "ratio", expression: "errors / requests", label: "5xx ratio", returnData: true },
        ],
        ...actions,
      }),
      this.anyAlarm("log-parser-errors", {
        description:
          "The log parser Lambda failed (each failure is retried, then goes to the dead-letter queue).",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: logPipeline.function.functionName },
        statistic: "Sum",
      }),
      this.anyAlarm("log-parser-dead-letters", {
        description:
          "Log objects the parser gave up on wait in its dead-letter queue: their metrics are missing.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: logPipeline.deadLetterQueue.name },
        statistic: "Maximum",
      }),
    ];
  }

  /** An alarm that fires on any non-zero 5-minute value of one metric, to the alerts topic. */
  private anyAlarm(
    id: string,
    metric: {
      description: string;
      namespace: string;
      metricName: string;
      dimensions: Record<string, string>;
      statistic: "Sum" | "Maximum";
    },
  ): CloudwatchMetricAlarm {
    return new CloudwatchMetricAlarm(this, id, {
      alarmName: this.naming.name(id),
      alarmDescription: metric.description,
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: metric.dimensions,
      statistic: metric.statistic,
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
  }
}
