import {
  BACKEND_ERROR_LINES_METRIC,
  BACKEND_LOG_NAMESPACE,
  EDGE_DIMENSION,
  EDGE_NAMESPACE,
} from "./cloudwatch-names.js";
import { DEFAULT_RUNBOOK_BASE, runbookUrl } from "./runbooks.js";
import {
  BURN_RATE_TIERS,
  type BurnRateTier,
  burnThreshold,
  clean,
  EDGE_SLO,
  errorBudget,
  percent,
  type Severity,
  windowSeconds,
} from "./slo.js";

/**
 * TrackGraph's CloudWatch alarms as data: what each reads, when it fires, how it treats missing data and
 * why, and which topic it notifies. Pure functions of the stack's names and settings, so they are unit
 * tested here (including an evaluation of the edge's burn-rate alarms against made-up traffic); the
 * infra app turns each spec into a `aws_cloudwatch_metric_alarm` or `aws_cloudwatch_composite_alarm`.
 */

export type MissingData = "breaching" | "notBreaching" | "ignore" | "missing";
export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export interface MetricStat {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  period: number;
}

/** One entry of an alarm's `metric_query`: a metric, a math expression, or a Metrics Insights query. */
export interface AlarmQuery {
  id: string;
  metric?: MetricStat;
  expression?: string;
  /** Metrics Insights queries (`SELECT ...`) carry their own period. */
  period?: number;
  label?: string;
  returnData?: boolean;
}

interface AlarmBase {
  /** Also the alarm's name after the stack's prefix, and its runbook's file name. */
  id: string;
  /** The topic it notifies on ALARM and OK; none: an input of a composite alarm, which notifies instead. */
  severity?: Severity;
  /** For inputs: the composite alarm whose runbook covers them. */
  inputOf?: string;
  /** One sentence: what it means. */
  summary: string;
}

export interface MetricAlarmSpec extends AlarmBase {
  kind: "metric";
  /** `us-east-1` for CloudFront's own metrics, which exist only there; `stack` otherwise. */
  region: "stack" | "us-east-1";
  comparison: Comparison;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: MissingData;
  /** Why missing data is treated so: kept with the alarm, shown in reviews and the README. */
  missingDataReason: string;
  /** Exactly one query has `returnData`. A single metric is a one-query list. */
  queries: AlarmQuery[];
}

export type AlarmRule = { alarm: string } | { and: AlarmRule[] } | { or: AlarmRule[] };

export interface CompositeAlarmSpec extends AlarmBase {
  kind: "composite";
  region: "stack";
  rule: AlarmRule;
}

export type AlarmSpec = MetricAlarmSpec | CompositeAlarmSpec;

/** The composite's rule as CloudWatch takes it, with each id turned into its alarm's full name. */
export function renderRule(rule: AlarmRule, name: (id: string) => string): string {
  if ("alarm" in rule) return `ALARM("${name(rule.alarm)}")`;
  const [op, parts] = "and" in rule ? (["AND", rule.and] as const) : (["OR", rule.or] as const);
  return parts.map((p) => ("alarm" in p ? renderRule(p, name) : `(${renderRule(p, name)})`)).join(` ${op} `);
}

/** Every alarm id a rule names. */
export function ruleAlarms(rule: AlarmRule): string[] {
  if ("alarm" in rule) return [rule.alarm];
  return ("and" in rule ? rule.and : rule.or).flatMap(ruleAlarms);
}

/** The alarm description: its meaning, severity and runbook (CloudWatch allows 1024 characters). */
export function alarmDescription(spec: AlarmSpec, runbookBase: string = DEFAULT_RUNBOOK_BASE): string {
  const runbook = runbookUrl(spec.inputOf ?? spec.id, runbookBase);
  const routing =
    spec.severity === undefined
      ? `Input of ${spec.inputOf} (no notification of its own).`
      : `Severity: ${spec.severity}.`;
  return `${spec.summary} ${routing} Runbook: ${runbook}`.slice(0, 1024);
}

const metric = (
  id: string,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  stat: string,
  period: number,
): AlarmQuery => ({ id, metric: { namespace, metricName, dimensions, stat, period } });

const single = (q: AlarmQuery): AlarmQuery[] => [{ ...q, returnData: true }];

/* ------------------------------------------------------------------------------------------------ */
/* The edge: its 5xx budget, burned as the SRE workbook's tiers, with metric math on our log metrics */
/* ------------------------------------------------------------------------------------------------ */

/**
 * CloudFront's standard logs reach the log parser minutes after the requests they record, and each
 * request is counted at the minute it happened: the newest minutes of a window fill in late. A short
 * window therefore looks at the last few periods (one breaching is enough), as far back as this lag.
 */
export const LOG_DELIVERY_LAG_SECONDS = 600;

export interface EdgeBurnOptions {
  distributionId: string;
  /** Defaults to the edge SLO (99.5% of requests without a 5xx over 30 days). */
  objective?: number;
}

/** The id of the alarm on one window of one tier. */
export function edgeBurnWindowId(tier: BurnRateTier, window: string): string {
  return `edge-5xx-burn-${window}-${tier.severity}`;
}

export const EDGE_BURN_FAST = "edge-5xx-budget-burn-fast";
export const EDGE_BURN_SLOW = "edge-5xx-budget-burn-slow";

/**
 * The edge's 5xx error budget as CloudWatch alarms: per tier, one alarm on the long window's 5xx ratio
 * and one on the short window's (a metric math ratio of the log parser's `Requests5xx` and `Requests`
 * over one period as long as the window), and per severity a composite alarm that fires when both
 * windows of any of its tiers do. Only the composites notify.
 */
export function edgeBudgetBurnAlarms(options: EdgeBurnOptions): AlarmSpec[] {
  const budget = errorBudget(options.objective ?? EDGE_SLO.objective);
  const edge = { [EDGE_DIMENSION]: options.distributionId };
  const windowAlarm = (tier: BurnRateTier, window: string, composite: string): MetricAlarmSpec => {
    const period = windowSeconds(window);
    const short = window === tier.short;
    // The short window is the freshest: a lagging delivery leaves its newest period empty for a while.
    const lagPeriods = short ? Math.ceil(LOG_DELIVERY_LAG_SECONDS / period) : 0;
    return {
      kind: "metric",
      id: edgeBurnWindowId(tier, window),
      inputOf: composite,
      region: "stack",
      summary: `The edge's 5xx ratio over ${window} is above ${tier.burnRate}x its budget (${percent(burnThreshold(tier, budget))}).`,
      comparison: "GreaterThanThreshold",
      threshold: burnThreshold(tier, budget),
      evaluationPeriods: 1 + lagPeriods,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      missingDataReason:
        "No Requests in the window means no request failed: quiet hours publish nothing, and burn no budget.",
      queries: [
        metric("errors", EDGE_NAMESPACE, "Requests5xx", edge, "Sum", period),
        metric("requests", EDGE_NAMESPACE, "Requests", edge, "Sum", period),
        // Requests5xx is published with every minute of traffic; FILL keeps a gap from hiding the ratio.
        {
          id: "ratio",
          expression: "FILL(errors, 0) / requests",
          label: `5xx ratio over ${window}`,
          returnData: true,
        },
      ],
    };
  };
  const specs: AlarmSpec[] = [];
  for (const [severity, id] of [
    ["page", EDGE_BURN_FAST],
    ["ticket", EDGE_BURN_SLOW],
  ] as const) {
    const tiers = BURN_RATE_TIERS.filter((t) => t.severity === severity);
    for (const tier of tiers) specs.push(windowAlarm(tier, tier.long, id), windowAlarm(tier, tier.short, id));
    specs.push({
      kind: "composite",
      id,
      severity,
      region: "stack",
      summary: `CloudFront answers 5xx fast enough to spend the edge's 30-day error budget (${percent(EDGE_SLO.objective)} without 5xx) ${tiers.map((t) => `${t.budgetSpent}`).join(" or ")}.`,
      rule: {
        or: tiers.map((t) => ({
          and: [{ alarm: edgeBurnWindowId(t, t.long) }, { alarm: edgeBurnWindowId(t, t.short) }],
        })),
      },
    });
  }
  return specs;
}

/* ---------------------------------------------------------------------------------------------- */
/* Everything else                                                                                */
/* ---------------------------------------------------------------------------------------------- */

export type BackendTarget =
  | { platform: "app-runner"; serviceName: string; maxInstances: number }
  | {
      platform: "ecs-express";
      clusterName: string;
      serviceName: string;
      maxInstances: number;
      /**
       * The Express service's load balancer and target group (`app/...` and `targetgroup/...`, as the
       * ALB's metrics name them). Express Mode makes them itself and the provider does not expose them,
       * so without this there is no load-balancer 5xx alarm (the backend's own SLO alerts remain).
       */
      loadBalancer?: { loadBalancer: string; targetGroup: string };
    };

/** AMP's per-workspace quotas the usage alarms compare against. */
export interface AmpQuotas {
  activeSeries: number;
  /** Samples per second. */
  ingestionRate: number;
}

/**
 * The lowest defaults AWS documents (AMP_quotas): a workspace's active-series capacity starts at 2
 * million and grows with use; the ingestion rate quota has been documented as low as 70,000 samples/s.
 * TrackGraph writes a few thousand series: crossing 80% of these is a cardinality leak, not growth.
 */
export const AMP_DEFAULT_QUOTAS: AmpQuotas = { activeSeries: 2_000_000, ingestionRate: 70_000 };

export interface AlarmTargets {
  distributionId: string;
  logParser: {
    functionName: string;
    timeoutSeconds: number;
    /** Only with a reservation is there a ceiling to approach. */
    reservedConcurrency?: number;
  };
  deadLetterQueue: { name: string; retentionSeconds: number };
  idempotencyTable: string;
  backend: BackendTarget;
  ampWorkspaceId: string;
  ampQuotas?: AmpQuotas;
  /** CloudFront's own 5xx rate alarm fires above this share of requests over 15 minutes. */
  edge5xxRatio: number;
  /** Minutes without a processed log object before the heartbeat alarm fires; none: no heartbeat. */
  logHeartbeatMinutes?: number;
}

const NEAR = 0.8;

/** One alarm on one metric, or on one query's result. */
function alarm(
  spec: Omit<MetricAlarmSpec, "kind" | "region" | "evaluationPeriods" | "datapointsToAlarm"> &
    Partial<Pick<MetricAlarmSpec, "region" | "evaluationPeriods" | "datapointsToAlarm">>,
): MetricAlarmSpec {
  return {
    kind: "metric",
    region: "stack",
    evaluationPeriods: 1,
    datapointsToAlarm: spec.evaluationPeriods ?? 1,
    ...spec,
  };
}

function logPipelineAlarms(t: AlarmTargets): AlarmSpec[] {
  const fn = { FunctionName: t.logParser.functionName };
  const queue = { QueueName: t.deadLetterQueue.name };
  const table = { TableName: t.idempotencyTable };
  const noInvocations =
    "No data means the function did not run: nothing failed, throttled or ran long (a silent pipeline is log-heartbeat's).";
  const specs: AlarmSpec[] = [
    alarm({
      id: "log-parser-errors",
      severity: "ticket",
      summary: "The log parser Lambda failed (each failure is retried, then goes to the dead-letter queue).",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: noInvocations,
      queries: single(metric("errors", "AWS/Lambda", "Errors", fn, "Sum", 300)),
    }),
    alarm({
      id: "log-parser-throttles",
      severity: "ticket",
      summary:
        "Invocations of the log parser were throttled (S3 retries them for up to 6 hours; the edge's metrics arrive late).",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: noInvocations,
      queries: single(metric("throttles", "AWS/Lambda", "Throttles", fn, "Sum", 300)),
    }),
    alarm({
      id: "log-parser-duration-near-timeout",
      severity: "ticket",
      summary: `An invocation of the log parser ran longer than ${NEAR * 100}% of its ${t.logParser.timeoutSeconds} s timeout: the next bigger log object may time out.`,
      comparison: "GreaterThanThreshold",
      threshold: Math.round(NEAR * t.logParser.timeoutSeconds * 1000),
      treatMissingData: "notBreaching",
      missingDataReason: noInvocations,
      queries: single(metric("duration", "AWS/Lambda", "Duration", fn, "Maximum", 300)),
    }),
    alarm({
      id: "log-parser-batches-resent",
      severity: "ticket",
      summary:
        "A retry of the log parser sent PutMetricData batches again that CloudWatch may already hold: those minutes may count twice (the at-least-once window, at most one batch per ended attempt).",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: "Published only when a batch is sent again; its absence means no resend.",
      queries: single(
        metric("resent", EDGE_NAMESPACE, "BatchesResent", { [EDGE_DIMENSION]: t.distributionId }, "Sum", 300),
      ),
    }),
    alarm({
      id: "log-parser-dropped-out-of-window",
      severity: "ticket",
      summary:
        "The log parser dropped requests in minutes CloudWatch no longer (or not yet) accepts: a backfill older than two weeks, or a clock far ahead. Those minutes are missing from the edge metrics.",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: "Published only when minutes are dropped; its absence means none were.",
      queries: single(
        metric(
          "dropped",
          EDGE_NAMESPACE,
          "DroppedOutOfWindow",
          { [EDGE_DIMENSION]: t.distributionId },
          "Sum",
          300,
        ),
      ),
    }),
    alarm({
      id: "log-parser-dead-letters",
      severity: "ticket",
      summary: "Log objects the parser gave up on wait in its dead-letter queue: their metrics are missing.",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      // SQS publishes for a queue with messages (it stays "active"); an empty, idle queue publishes nothing.
      treatMissingData: "notBreaching",
      missingDataReason: "An idle, empty queue publishes no metrics; a queue holding messages always does.",
      queries: single(
        metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, "Maximum", 300),
      ),
    }),
    alarm({
      id: "log-parser-dead-letter-age",
      severity: "ticket",
      summary: `A dead letter has waited more than half of the queue's ${Math.round(t.deadLetterQueue.retentionSeconds / 86_400)}-day retention without a redrive: it expires, and its log object's metrics are lost for good.`,
      comparison: "GreaterThanThreshold",
      threshold: Math.round(t.deadLetterQueue.retentionSeconds / 2),
      treatMissingData: "notBreaching",
      missingDataReason: "An idle, empty queue publishes no metrics; a queue holding messages always does.",
      queries: single(metric("age", "AWS/SQS", "ApproximateAgeOfOldestMessage", queue, "Maximum", 300)),
    }),
    alarm({
      id: "idempotency-throttles",
      severity: "ticket",
      summary:
        "DynamoDB throttled the log parser's idempotency table: objects fail and are retried (on-demand tables throttle on sudden doubling or a table limit).",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: "DynamoDB publishes throttle events only when there are some.",
      queries: [
        metric("reads", "AWS/DynamoDB", "ReadThrottleEvents", table, "Sum", 300),
        metric("writes", "AWS/DynamoDB", "WriteThrottleEvents", table, "Sum", 300),
        {
          id: "throttles",
          expression: "FILL(reads, 0) + FILL(writes, 0)",
          label: "throttle events",
          returnData: true,
        },
      ],
    }),
    alarm({
      id: "idempotency-system-errors",
      severity: "ticket",
      summary: "DynamoDB answered the log parser's idempotency calls with internal errors (HTTP 500).",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: "DynamoDB publishes SystemErrors only when there are some.",
      // The four operations the function's role may call on the table.
      queries: [
        ...(["GetItem", "PutItem", "UpdateItem", "DeleteItem"] as const).map((op) =>
          metric(op.toLowerCase(), "AWS/DynamoDB", "SystemErrors", { ...table, Operation: op }, "Sum", 300),
        ),
        {
          id: "errors",
          expression: "FILL(getitem, 0) + FILL(putitem, 0) + FILL(updateitem, 0) + FILL(deleteitem, 0)",
          label: "system errors",
          returnData: true,
        },
      ],
    }),
  ];
  if (t.logParser.reservedConcurrency !== undefined)
    specs.push(
      alarm({
        id: "log-parser-concurrency-near-reserve",
        severity: "ticket",
        summary: `The log parser ran at ${NEAR * 100}% of its reserved concurrency (${t.logParser.reservedConcurrency}) for 5 minutes: beyond it, invocations are throttled.`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: Math.ceil(NEAR * t.logParser.reservedConcurrency),
        evaluationPeriods: 5,
        treatMissingData: "notBreaching",
        missingDataReason: noInvocations,
        queries: single(metric("concurrency", "AWS/Lambda", "ConcurrentExecutions", fn, "Maximum", 60)),
      }),
    );
  if (t.logHeartbeatMinutes !== undefined)
    specs.push(
      alarm({
        id: "log-heartbeat",
        severity: "ticket",
        summary: `The log pipeline processed no CloudFront log object for ${t.logHeartbeatMinutes} minutes: log delivery stopped, or the parser is no longer invoked.`,
        comparison: "LessThanThreshold",
        threshold: 1,
        evaluationPeriods: t.logHeartbeatMinutes / 5,
        // The failure this alarm exists for is exactly that nothing is published.
        treatMissingData: "breaching",
        missingDataReason:
          "Silence is the failure: a processed object always publishes LogObjectsProcessed, so no data is no delivery.",
        queries: single(
          metric(
            "objects",
            EDGE_NAMESPACE,
            "LogObjectsProcessed",
            { [EDGE_DIMENSION]: t.distributionId },
            "Sum",
            300,
          ),
        ),
      }),
    );
  return specs;
}

/** Metrics Insights: one aggregated series of an App Runner metric of one service. */
function appRunner(fn: "AVG" | "MAX" | "SUM", metricName: string, serviceName: string): string {
  return `SELECT ${fn}(${metricName}) FROM "AWS/AppRunner" WHERE ServiceName = '${serviceName}'`;
}

/** Error lines in the backend's own log (a metric filter on its log group), on either platform. */
function backendErrorLinesAlarm(): MetricAlarmSpec {
  return alarm({
    id: "backend-error-lines",
    severity: "ticket",
    summary:
      "The backend wrote more than 5 error lines in each of 3 consecutive 5-minute periods: requests fail with a stack in its log (the lines carry the trace id).",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    evaluationPeriods: 3,
    treatMissingData: "notBreaching",
    missingDataReason:
      "The filter publishes 0 for every other line, so no data means no log line at all: no traffic, nothing failed (a silent backend is BackendScrapeDown's).",
    queries: single(metric("errors", BACKEND_LOG_NAMESPACE, BACKEND_ERROR_LINES_METRIC, {}, "Sum", 300)),
  });
}

function backendAlarms(b: BackendTarget): AlarmSpec[] {
  const saturated = "backend-saturated";
  const noTraffic =
    "No data means no instance reported: nothing to saturate (an absent backend is BackendScrapeDown's).";
  const usage = (id: string, what: string, q: AlarmQuery): MetricAlarmSpec =>
    alarm({
      id,
      inputOf: saturated,
      summary: `The backend's ${what} has averaged over 80% for 5 minutes.`,
      comparison: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 5,
      treatMissingData: "notBreaching",
      missingDataReason: noTraffic,
      queries: single(q),
    });
  const specs: AlarmSpec[] = [];
  if (b.platform === "app-runner") {
    specs.push(
      usage("backend-cpu-high", "CPU", {
        id: "cpu",
        expression: appRunner("AVG", "CPUUtilization", b.serviceName),
        period: 60,
      }),
      usage("backend-memory-high", "memory", {
        id: "memory",
        expression: appRunner("AVG", "MemoryUtilization", b.serviceName),
        period: 60,
      }),
      alarm({
        id: "backend-instances-at-max",
        severity: "ticket",
        summary: `The backend has run at its maximum of ${b.maxInstances} instances for 15 minutes: it cannot scale out further.`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: b.maxInstances,
        evaluationPeriods: 15,
        treatMissingData: "notBreaching",
        missingDataReason: noTraffic,
        queries: single({
          id: "instances",
          expression: appRunner("MAX", "ActiveInstances", b.serviceName),
          period: 60,
        }),
      }),
      alarm({
        id: "backend-5xx",
        severity: "ticket",
        summary:
          "More than 5% of the backend's requests answered 5xx over 15 minutes, as App Runner counts them (independent of our telemetry).",
        comparison: "GreaterThanThreshold",
        threshold: 0.05,
        evaluationPeriods: 3,
        treatMissingData: "notBreaching",
        missingDataReason: "No requests, no failed requests.",
        queries: [
          { id: "errors", expression: appRunner("SUM", "5xxStatusResponses", b.serviceName), period: 300 },
          { id: "requests", expression: appRunner("SUM", "Requests", b.serviceName), period: 300 },
          { id: "ratio", expression: "FILL(errors, 0) / requests", label: "5xx ratio", returnData: true },
        ],
      }),
    );
  } else {
    const service = { ClusterName: b.clusterName, ServiceName: b.serviceName };
    specs.push(
      usage("backend-cpu-high", "CPU", metric("cpu", "AWS/ECS", "CPUUtilization", service, "Average", 60)),
      usage(
        "backend-memory-high",
        "memory",
        metric("memory", "AWS/ECS", "MemoryUtilization", service, "Average", 60),
      ),
      alarm({
        id: "backend-instances-at-max",
        severity: "ticket",
        summary: `The backend has run at its maximum of ${b.maxInstances} tasks for 15 minutes: it cannot scale out further.`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: b.maxInstances,
        evaluationPeriods: 15,
        treatMissingData: "notBreaching",
        missingDataReason: noTraffic,
        queries: single(metric("tasks", "ECS/ContainerInsights", "RunningTaskCount", service, "Maximum", 60)),
      }),
    );
    if (b.loadBalancer !== undefined) {
      const target = { LoadBalancer: b.loadBalancer.loadBalancer, TargetGroup: b.loadBalancer.targetGroup };
      specs.push(
        alarm({
          id: "backend-5xx",
          severity: "ticket",
          summary:
            "More than 5% of the backend's requests answered 5xx over 15 minutes, as its load balancer counts them (independent of our telemetry).",
          comparison: "GreaterThanThreshold",
          threshold: 0.05,
          evaluationPeriods: 3,
          treatMissingData: "notBreaching",
          missingDataReason: "No requests, no failed requests.",
          queries: [
            metric("errors", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", target, "Sum", 300),
            metric("requests", "AWS/ApplicationELB", "RequestCount", target, "Sum", 300),
            { id: "ratio", expression: "FILL(errors, 0) / requests", label: "5xx ratio", returnData: true },
          ],
        }),
      );
    }
  }
  specs.push(backendErrorLinesAlarm(), {
    kind: "composite",
    id: saturated,
    severity: "page",
    region: "stack",
    summary:
      "The backend is at its maximum instances and its CPU or memory is above 80%: requests queue and fail. Either alone is no page (scaling has room, or the instances cope).",
    rule: {
      and: [
        { alarm: "backend-instances-at-max" },
        { or: [{ alarm: "backend-cpu-high" }, { alarm: "backend-memory-high" }] },
      ],
    },
  });
  return specs;
}

function edgeAlarms(t: AlarmTargets): AlarmSpec[] {
  const cloudfront = { DistributionId: t.distributionId, Region: "Global" };
  return [
    alarm({
      id: "edge-cloudfront-5xx-rate",
      severity: "page",
      region: "us-east-1",
      summary: `CloudFront's own 5xx rate has been above ${percent(t.edge5xxRatio)} for 15 minutes (AWS/CloudFront, real time, independent of our log pipeline).`,
      comparison: "GreaterThanThreshold",
      // 5xxErrorRate is a percentage.
      threshold: clean(t.edge5xxRatio * 100),
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      missingDataReason: "CloudFront publishes no rate for minutes without requests.",
      queries: single(metric("rate", "AWS/CloudFront", "5xxErrorRate", cloudfront, "Average", 300)),
    }),
    alarm({
      id: "edge-origin-latency",
      severity: "ticket",
      region: "us-east-1",
      summary:
        "CloudFront waited over 1 s on average for the origin's first byte for 15 minutes (cache misses are slow for viewers).",
      comparison: "GreaterThanThreshold",
      threshold: 1000,
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      missingDataReason: "No cache misses, no origin requests to time.",
      queries: single(metric("latency", "AWS/CloudFront", "OriginLatency", cloudfront, "Average", 300)),
    }),
  ];
}

function ampAlarms(t: AlarmTargets): AlarmSpec[] {
  const quotas = t.ampQuotas ?? AMP_DEFAULT_QUOTAS;
  const usage = (resource: string) => ({
    Service: "Prometheus",
    Type: "Resource",
    Resource: resource,
    Class: "None",
    ResourceId: t.ampWorkspaceId,
  });
  const reason = "No usage published means no ingestion: the collectors' absence alerts cover that.";
  return [
    alarm({
      id: "amp-active-series-near-quota",
      severity: "ticket",
      summary: `AMP holds more than ${NEAR * 100}% of ${quotas.activeSeries} active series: beyond the quota, new series are refused (a label with unbounded values?).`,
      comparison: "GreaterThanThreshold",
      threshold: Math.round(NEAR * quotas.activeSeries),
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      missingDataReason: reason,
      queries: single(metric("series", "AWS/Usage", "ResourceCount", usage("ActiveSeries"), "Maximum", 300)),
    }),
    alarm({
      id: "amp-ingestion-rate-near-quota",
      severity: "ticket",
      summary: `AMP ingests more than ${NEAR * 100}% of its ${quotas.ingestionRate} samples/s quota: beyond it, remote writes are throttled (429).`,
      comparison: "GreaterThanThreshold",
      threshold: Math.round(NEAR * quotas.ingestionRate),
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      missingDataReason: reason,
      queries: single(metric("rate", "AWS/Usage", "ResourceCount", usage("IngestionRate"), "Maximum", 300)),
    }),
  ];
}

/** Every CloudWatch alarm of a stack. */
export function cloudWatchAlarms(t: AlarmTargets): AlarmSpec[] {
  return [
    ...edgeBudgetBurnAlarms({ distributionId: t.distributionId }),
    ...edgeAlarms(t),
    ...logPipelineAlarms(t),
    ...backendAlarms(t.backend),
    ...ampAlarms(t),
  ];
}

/** The alarms that notify (metric alarms with a severity, and composites). */
export function notifyingAlarms(specs: AlarmSpec[]): AlarmSpec[] {
  return specs.filter((s) => s.severity !== undefined);
}
