import { CloudfrontMonitoringSubscription } from "@cdktf/provider-aws/lib/cloudfront-monitoring-subscription/index.js";
import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import {
  type AlarmSpec,
  type AmpQuotas,
  alarmDescription,
  alertmanagerDefinition,
  type BackendTarget,
  cloudWatchAlarms,
  DEFAULT_RUNBOOK_BASE,
  githubRunbookBase,
  type MetricAlarmSpec,
  renderRule,
  ruleAlarms,
  ruleGroups,
  rulesYaml,
  type Severity,
} from "@trackgraph/dashboards";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import { checkovSkips } from "../blocks/checkov.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { Naming } from "../blocks/naming.js";
import { type PolicyStatement, policyDocument } from "../blocks/policy-statements.js";
import type { LogPipeline } from "./log-pipeline.js";
import type { TelemetryPlane } from "./telemetry-plane.js";

export interface AlertingProps {
  /** Names the topics, alarms and keys (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** Encrypts the topics (the us-east-1 topics get a key of their own there). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** The stack's region as configured (CloudFront's alarms need their own topics elsewhere than us-east-1). */
  readonly region: string;
  /** The AMP workspace whose rules and Alertmanager the alerts use. */
  readonly plane: TelemetryPlane;
  /** The log pipeline its alarms watch. */
  readonly logPipeline: LogPipeline;
  /** The log function's timeout, seconds (its duration alarm compares against it). */
  readonly logFunctionTimeoutSeconds: number;
  /**
   * The log function's reserved concurrency (its throttle alarm).
   * @default none
   */
  readonly logFunctionReservedConcurrency?: number | undefined;
  /** The CloudFront distribution its edge alarms watch. */
  readonly distributionId: string;
  /**
   * An address subscribed to both topics (it must confirm).
   * @default no subscription
   */
  readonly email?: string | undefined;
  /** The share of 5xx answers at the edge that raises an alarm. */
  readonly edge5xxRatio: number;
  /**
   * Minutes without a processed log that raise the heartbeat alarm.
   * @default no heartbeat alarm
   */
  readonly logHeartbeatMinutes?: number | undefined;
  /**
   * The repository whose `docs/runbooks` the alerts link to (at the deploy branch).
   * @default none: runbooks by their repository-relative path
   */
  readonly github?: { readonly repository: string; readonly deployBranch: string } | undefined;
  /**
   * A provider in us-east-1, where CloudFront's own metrics (and so its alarms) exist. Default: the stack's
   * provider with the alias `us_east_1`, if it has one; without either, no CloudFront alarms.
   */
  readonly usEast1?: AwsProvider | undefined;
  /**
   * What the backend's alarms read: the stack passes {@link defaultBackendTarget}, the names the backend
   * construct gives its service (a test holds the two together); on ECS Express without the load
   * balancer's names, which Express Mode makes itself.
   */
  readonly backend: BackendTarget;
  /**
   * Where alerts link their runbooks (`<base>/<alert>.md`). Default: the repository's `docs/runbooks` on
   * GitHub at the deploy branch when `github.repository` is configured, else the repository-relative path.
   */
  readonly runbookBaseUrl?: string | undefined;
  /** AMP's quotas the usage alarms compare against; default: the lowest AWS documents. */
  readonly ampQuotas?: AmpQuotas | undefined;
}

/** The two destinations of alerts: `page` wakes someone up, `ticket` is read in working hours. */
export type AlertTopics = Record<Severity, SnsTopic>;

/** The id of the stack's us-east-1 provider (see trackgraph-stack.ts). */
const US_EAST_1_ALIAS = "us_east_1";

/**
 * Where alerts go and what raises them.
 *
 * Two SNS topics, **page** and **ticket** (CMK-encrypted; `observability.alerts.email` subscribes to both,
 * a pager subscribes to the page topic). Two topics rather than one with filter policies: CloudWatch
 * alarms publish without message attributes, so a filter could not tell their severities apart, and
 * "who gets pages" stays one list of subscriptions.
 *
 * AMP's rule namespace holds @trackgraph/dashboards' recording and alerting rules (error budgets, missing
 * telemetry, collectors), its Alertmanager routes each severity to its topic and inhibits what a dead
 * collector hides. CloudWatch alarms come from the same package's specs: the edge's error budget (metric
 * math and composites), CloudFront's own 5xx rate and origin latency (in us-east-1, with topics of their
 * own there unless the stack is in us-east-1: an alarm notifies only a topic in its region), the log
 * pipeline, the backend on either platform, AMP's quotas, and the log heartbeat when configured.
 */
export class Alerting extends Construct {
  /** The ticket topic (also Grafana's contact point); {@link topics} has both. */
  readonly topic: SnsTopic;
  readonly topics: AlertTopics;
  /** The topics CloudFront's alarms notify: in us-east-1 (the same as {@link topics} there). */
  readonly cloudfrontTopics?: AlertTopics;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly compositeAlarms: CloudwatchCompositeAlarm[] = [];
  readonly specs: AlarmSpec[];
  readonly runbookBaseUrl: string;
  private readonly naming: Naming;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { naming, key, aws, plane } = props;
    this.naming = naming;
    this.runbookBaseUrl =
      props.runbookBaseUrl ??
      (props.github === undefined
        ? DEFAULT_RUNBOOK_BASE
        : githubRunbookBase(props.github.repository, props.github.deployBranch));

    const ticket = new SnsTopic(this, "topic", { name: naming.name("alerts"), kmsMasterKeyId: key.keyArn });
    const page = new SnsTopic(this, "page-topic", {
      name: naming.name("alerts-page"),
      kmsMasterKeyId: key.keyArn,
    });
    this.topic = ticket;
    this.topics = { page, ticket };
    this.publishers(props);
    this.subscribe("", this.topics, props.email);

    plane.addRuleGroupNamespace("trackgraph", rulesYaml(ruleGroups({ runbookBaseUrl: this.runbookBaseUrl })));
    plane.setAlertManagerDefinition(
      alertmanagerDefinition({ pageTopicArn: page.arn, ticketTopicArn: ticket.arn, region: aws.region }),
    );

    const usEast1 = props.usEast1 ?? findUsEast1(this);
    if (usEast1 !== undefined)
      this.cloudfrontTopics =
        props.region === "us-east-1" ? this.topics : this.usEast1Topics(usEast1, aws, props.email);

    this.specs = this.alarmSpecs(props, usEast1);
    this.createAlarms(usEast1);
  }

  /**
   * Who may publish to the topics: AMP's Alertmanager (this workspace only) and CloudWatch alarms on the
   * topic policies, both with the key for the message data key, and Grafana on the ticket topic.
   */
  private publishers({ naming, key, aws, plane }: AlertingProps): void {
    const ticket = this.topics.ticket;
    for (const [severity, topic] of Object.entries(this.topics)) {
      const suffix = severity === "ticket" ? "" : `-${severity}`;
      new SnsTopicPolicy(this, `topic-policy${suffix}`, {
        arn: topic.arn,
        policy: policyDocument(this, `topic-policy-document${suffix}`, [
          {
            sid: "PrometheusPublishesAlerts",
            principals: [{ type: "Service", identifiers: ["aps.amazonaws.com"] }],
            actions: ["sns:Publish", "sns:GetTopicAttributes"],
            resources: [topic.arn],
            conditions: [
              { test: "ArnEquals", variable: "aws:SourceArn", values: [plane.workspace.arn] },
              { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
            ],
          },
          cloudWatchPublishes(topic.arn, aws.accountId),
        ]).json,
      });
    }
    // Both services publish to encrypted topics, so they need the key for the message data key.
    key.addToResourcePolicy({
      sid: "AlertPublishersEncrypt",
      principals: [{ type: "Service", identifiers: ["aps.amazonaws.com", "cloudwatch.amazonaws.com"] }],
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] }],
    });
    new IamRolePolicy(this, "grafana-publishes", {
      name: naming.name("grafana-alerts"),
      role: plane.grafanaRole.role.id,
      policy: policyDocument(this, "grafana-publishes-document", [
        {
          // Grafana's contact point is the ticket topic: its rules watch its own data sources.
          sid: "GrafanaPublishesAlerts",
          actions: ["sns:Publish"],
          resources: [ticket.arn],
        },
        {
          sid: "GrafanaEncryptsAlerts",
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: [key.keyArn],
          conditions: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${aws.region}.amazonaws.com`] },
          ],
        },
      ]).json,
    });
  }

  /**
   * The CloudWatch alarm specs for this stack's resources; without a us-east-1 provider, the alarms on
   * CloudFront's own metrics cannot exist and are left out.
   */
  private alarmSpecs(props: AlertingProps, usEast1: AwsProvider | undefined): AlarmSpec[] {
    const { logPipeline, plane } = props;
    const specs = cloudWatchAlarms({
      distributionId: props.distributionId,
      logParser: {
        functionName: logPipeline.function.functionName,
        timeoutSeconds: props.logFunctionTimeoutSeconds,
        ...(props.logFunctionReservedConcurrency === undefined
          ? {}
          : { reservedConcurrency: props.logFunctionReservedConcurrency }),
      },
      deadLetterQueue: {
        name: logPipeline.deadLetterQueue.name,
        retentionSeconds: logPipeline.deadLetterQueue.messageRetentionSecondsInput ?? 4 * 86_400,
      },
      idempotencyTable: logPipeline.table.name,
      backend: props.backend,
      ampWorkspaceId: plane.workspace.id,
      ...(props.ampQuotas === undefined ? {} : { ampQuotas: props.ampQuotas }),
      edge5xxRatio: props.edge5xxRatio,
      ...(props.logHeartbeatMinutes === undefined ? {} : { logHeartbeatMinutes: props.logHeartbeatMinutes }),
    });
    const kept = specs.filter((s) => s.region !== "us-east-1" || usEast1 !== undefined);
    if (usEast1 !== undefined && kept.some((s) => s.id === "edge-origin-latency"))
      // OriginLatency is one of CloudFront's additional metrics: published only with this subscription.
      new CloudfrontMonitoringSubscription(this, "cloudfront-metrics", {
        distributionId: props.distributionId,
        monitoringSubscription: {
          realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" },
        },
      });
    return kept;
  }

  /** The metric alarms of {@link specs}, then the composite alarms over them. */
  private createAlarms(usEast1: AwsProvider | undefined): void {
    const naming = this.naming;
    const byId = new Map<string, CloudwatchMetricAlarm>();
    for (const spec of this.specs) {
      if (spec.kind !== "metric") continue;
      const provider = spec.region === "us-east-1" ? usEast1 : undefined;
      const topics = spec.region === "us-east-1" ? this.cloudfrontTopics : this.topics;
      const alarm = this.metricAlarm(
        spec,
        provider,
        spec.severity === undefined ? [] : [topics?.[spec.severity].arn ?? ""],
      );
      byId.set(spec.id, alarm);
      this.alarms.push(alarm);
    }
    for (const spec of this.specs) {
      if (spec.kind !== "composite") continue;
      const actions = [this.topics[spec.severity ?? "ticket"].arn];
      this.compositeAlarms.push(
        new CloudwatchCompositeAlarm(this, spec.id, {
          alarmName: naming.name(spec.id),
          alarmDescription: alarmDescription(spec, this.runbookBaseUrl),
          alarmRule: renderRule(spec.rule, (alarm) => naming.name(alarm)),
          actionsEnabled: true,
          alarmActions: actions,
          okActions: actions,
          // The rule names its inputs by name, not by reference: they must exist first.
          dependsOn: ruleAlarms(spec.rule).map((input) => byId.get(input) as CloudwatchMetricAlarm),
        }),
      );
    }
  }

  /** Email subscriptions of one pair of topics. */
  private subscribe(suffix: string, topics: AlertTopics, email: string | undefined): void {
    if (email === undefined) return;
    for (const [severity, topic] of Object.entries(topics))
      new SnsTopicSubscription(
        this,
        severity === "ticket" ? `email${suffix}` : `email-${severity}${suffix}`,
        {
          topicArn: topic.arn,
          protocol: "email",
          endpoint: email,
          ...(topic.provider === undefined ? {} : { provider: topic.provider }),
        },
      );
  }

  /**
   * Topics in us-east-1 for CloudFront's alarms (an alarm can only notify a topic of its own region),
   * encrypted with a key of their own there (a CMK serves one region).
   */
  private usEast1Topics(provider: AwsProvider, aws: AwsScope, email: string | undefined): AlertTopics {
    const policy = policyDocument(this, "us-east-1-key-policy-document", [
      {
        // AWS's default key policy: without it the key could become unmanageable.
        sid: "AccountAdministers",
        principals: [{ type: "AWS", identifiers: [aws.accountRootArn] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "CloudWatchEncryptsAlarms",
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] }],
      },
    ]);
    checkovSkips(policy, [
      "CKV_AWS_109: a key policy's resource \"*\" is the key itself; kms:* for the account root is AWS's default key policy, without which the key could become unmanageable.",
      "CKV_AWS_111: as CKV_AWS_109: the resource of a key policy statement is always this key.",
      'CKV_AWS_356: as CKV_AWS_109: a key policy cannot name its own ARN, "*" means this key.',
    ]);
    const usKey = new KmsKey(this, "us-east-1-key", {
      provider,
      description: `${this.naming.name("alerts")}: CloudFront alarm notifications in us-east-1`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsKeyPolicy(this, "us-east-1-key-policy", { provider, keyId: usKey.keyId, policy: policy.json });
    const topics = {} as AlertTopics;
    for (const severity of ["page", "ticket"] as const) {
      const suffix = severity === "ticket" ? "" : `-${severity}`;
      const topic = new SnsTopic(this, `us-east-1-topic${suffix}`, {
        provider,
        name: this.naming.name(`alerts-us-east-1${suffix}`),
        kmsMasterKeyId: usKey.arn,
      });
      new SnsTopicPolicy(this, `us-east-1-topic-policy${suffix}`, {
        provider,
        arn: topic.arn,
        policy: policyDocument(this, `us-east-1-topic-policy-document${suffix}`, [
          cloudWatchPublishes(topic.arn, aws.accountId),
        ]).json,
      });
      topics[severity] = topic;
    }
    this.subscribe("-us-east-1", topics, email);
    return topics;
  }

  /** One CloudWatch metric alarm from its spec: a single metric as such, anything else as metric queries. */
  private metricAlarm(spec: MetricAlarmSpec, provider: AwsProvider | undefined, actions: string[]) {
    const [only] = spec.queries;
    const single = spec.queries.length === 1 && only?.metric !== undefined ? only.metric : undefined;
    return new CloudwatchMetricAlarm(this, spec.id, {
      ...(provider === undefined ? {} : { provider }),
      alarmName: this.naming.name(spec.id),
      alarmDescription: alarmDescription(spec, this.runbookBaseUrl),
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      // Each spec carries its reason (missingDataReason), shown in the README's catalogue and the tests.
      treatMissingData: spec.treatMissingData,
      ...(single === undefined
        ? {
            metricQuery: spec.queries.map((q) => ({
              id: q.id,
              ...(q.expression === undefined ? {} : { expression: q.expression }),
              ...(q.period === undefined ? {} : { period: q.period }),
              ...(q.label === undefined ? {} : { label: q.label }),
              returnData: q.returnData === true,
              ...(q.metric === undefined
                ? {}
                : {
                    metric: {
                      namespace: q.metric.namespace,
                      metricName: q.metric.metricName,
                      dimensions: q.metric.dimensions,
                      stat: q.metric.stat,
                      period: q.metric.period,
                    },
                  }),
            })),
          }
        : {
            namespace: single.namespace,
            metricName: single.metricName,
            dimensions: single.dimensions,
            statistic: single.stat,
            period: single.period,
          }),
      actionsEnabled: true,
      alarmActions: actions,
      okActions: actions,
    });
  }
}

function cloudWatchPublishes(topicArn: string, accountId: string): PolicyStatement {
  return {
    sid: "CloudWatchPublishesAlarms",
    principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
    actions: ["sns:Publish"],
    resources: [topicArn],
    conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
  };
}

/** The stack's us-east-1 provider, found by its alias. */
function findUsEast1(scope: Construct): AwsProvider | undefined {
  return TerraformStack.of(scope)
    .node.children.filter((c): c is AwsProvider => c instanceof AwsProvider)
    .find((p) => p.alias === US_EAST_1_ALIAS);
}

/**
 * The backend's names as the backend construct makes them (`web-service.ts`): App Runner cuts the
 * service name to 40 characters; ECS Express names the cluster and the service alike.
 */
export function defaultBackendTarget(
  naming: Naming,
  backend: { readonly platform: "app-runner" | "ecs-express"; readonly maxInstances: number },
): BackendTarget {
  const name = naming.name("backend");
  const maxInstances = backend.maxInstances;
  return backend.platform === "app-runner"
    ? { platform: "app-runner", serviceName: name.slice(0, 40), maxInstances }
    : { platform: "ecs-express", clusterName: name, serviceName: name, maxInstances };
}
