import { runbookPath } from "./runbooks.js";
import type { Severity } from "./slo.js";

/**
 * The failure-mode catalogue: each way a part of TrackGraph (or of its telemetry) breaks, the signal that
 * shows it, and the alert or alarm that fires on that signal. The README's table is generated from it
 * (`pnpm --filter @trackgraph/dashboards catalogue:readme`), and tests hold it to the Prometheus rules, the
 * CloudWatch alarms the infra app synthesizes, the Grafana rules and the runbooks in both directions.
 */
export const COMPONENTS = [
  "viewer edge",
  "log delivery",
  "log-parser Lambda",
  "dead-letter queue",
  "idempotency table",
  "backend",
  "telemetry proxy",
  "metrics scraper",
  "remote write to AMP",
  "trace export to X-Ray",
  "AMP quotas",
  "Grafana's data sources",
] as const;
export type Component = (typeof COMPONENTS)[number];

/** Where the alert lives: AMP's rule namespace, CloudWatch (the alarm's name after the stack prefix), Grafana. */
export type AlertSource = "prometheus" | "cloudwatch" | "grafana";

export interface FailureMode {
  component: Component;
  /** How it fails. */
  failure: string;
  /** What shows it. */
  signal: string;
  alert: string;
  source: AlertSource;
  severity: Severity;
  /** When the alert exists only with a setting or on one platform. */
  only?: string;
}

export const FAILURE_MODES: readonly FailureMode[] = [
  {
    component: "viewer edge",
    failure: "CloudFront answers 5xx fast enough to spend the edge's 30-day budget in hours",
    signal:
      "5xx ratio of the log parser's `Requests5xx`/`Requests`, burn rate 14.4x (1 h and 5 min) or 6x (6 h and 30 min)",
    alert: "edge-5xx-budget-burn-fast",
    source: "cloudwatch",
    severity: "page",
  },
  {
    component: "viewer edge",
    failure: "CloudFront answers 5xx slowly but steadily: the budget runs out within the month",
    signal: "the same ratio, burn rate 3x (1 d and 2 h) or 1x (3 d and 6 h)",
    alert: "edge-5xx-budget-burn-slow",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "viewer edge",
    failure: "CloudFront answers 5xx while our log pipeline is late or broken",
    signal:
      "`AWS/CloudFront` `5xxErrorRate` (us-east-1, real time) above `observability.alerts.edge5xxRatio` for 15 min",
    alert: "edge-cloudfront-5xx-rate",
    source: "cloudwatch",
    severity: "page",
  },
  {
    component: "viewer edge",
    failure: "The origin (S3) answers slowly: every cache miss is slow",
    signal: "`AWS/CloudFront` `OriginLatency` above 1 s for 15 min",
    alert: "edge-origin-latency",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "log delivery",
    failure: "CloudFront stops delivering access logs (delivery deleted, bucket policy, prefix changed)",
    signal: "no `LogObjectsProcessed` for the configured window (missing data is breaching)",
    alert: "log-heartbeat",
    source: "cloudwatch",
    severity: "ticket",
    only: "with `observability.alerts.logHeartbeatMinutes`",
  },
  {
    component: "log-parser Lambda",
    failure: "The function is no longer invoked (S3 notification removed, permission lost)",
    signal: "no `LogObjectsProcessed` for the configured window",
    alert: "log-heartbeat",
    source: "cloudwatch",
    severity: "ticket",
    only: "with `observability.alerts.logHeartbeatMinutes`",
  },
  {
    component: "log-parser Lambda",
    failure: "Invocations fail (bad object, code error, a dependency refuses)",
    signal: "`AWS/Lambda` `Errors` above 0 in 5 min",
    alert: "log-parser-errors",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "log-parser Lambda",
    failure: "Invocations are throttled (account concurrency exhausted)",
    signal: "`AWS/Lambda` `Throttles` above 0 in 5 min",
    alert: "log-parser-throttles",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "log-parser Lambda",
    failure: "An invocation runs close to its timeout: a bigger object will time out",
    signal: "`AWS/Lambda` `Duration` maximum above 80% of `logPipeline.timeoutSeconds`",
    alert: "log-parser-duration-near-timeout",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "log-parser Lambda",
    failure: "Concurrency reaches the function's reservation: further invocations are throttled",
    signal: "`AWS/Lambda` `ConcurrentExecutions` at 80% of `logPipeline.reservedConcurrency` for 5 min",
    alert: "log-parser-concurrency-near-reserve",
    source: "cloudwatch",
    severity: "ticket",
    only: "with `logPipeline.reservedConcurrency`",
  },
  {
    component: "log-parser Lambda",
    failure:
      "A retry resends batches CloudWatch may already hold (no idempotency token): minutes may count twice",
    signal: "`TrackGraph/CloudFront` `BatchesResent` above 0",
    alert: "log-parser-batches-resent",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "log-parser Lambda",
    failure:
      "Log minutes older than two weeks (a backfill) or far ahead are outside CloudWatch's window and dropped",
    signal: "`TrackGraph/CloudFront` `DroppedOutOfWindow` above 0",
    alert: "log-parser-dropped-out-of-window",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "dead-letter queue",
    failure: "Log objects exhausted their retries: their metrics are missing",
    signal: "`AWS/SQS` `ApproximateNumberOfMessagesVisible` above 0",
    alert: "log-parser-dead-letters",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "dead-letter queue",
    failure: "Dead letters are not redriven and approach the queue's 14-day retention",
    signal: "`AWS/SQS` `ApproximateAgeOfOldestMessage` above half the retention",
    alert: "log-parser-dead-letter-age",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "idempotency table",
    failure: "DynamoDB throttles the table: objects fail and retry",
    signal: "`AWS/DynamoDB` `ReadThrottleEvents` + `WriteThrottleEvents` above 0",
    alert: "idempotency-throttles",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "idempotency table",
    failure: "DynamoDB answers with internal errors",
    signal: "`AWS/DynamoDB` `SystemErrors` of the four operations above 0",
    alert: "idempotency-system-errors",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "backend",
    failure: "Requests fail (5xx) fast enough to spend the 30-day budget in hours",
    signal:
      "`trackgraph:slo_availability_errors:ratio_rate*`, burn rate 14.4x (1 h and 5 min) or 6x (6 h and 30 min)",
    alert: "BackendAvailabilityBudgetBurnFast",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "backend",
    failure: "Requests fail slowly but steadily: the budget runs out within the month",
    signal: "the same ratios, burn rate 3x (1 d and 2 h) or 1x (3 d and 6 h)",
    alert: "BackendAvailabilityBudgetBurnSlow",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "backend",
    failure: "Requests take longer than 1 s fast enough to spend the latency budget in hours",
    signal: "`trackgraph:slo_latency_errors:ratio_rate*` (share of requests over 1 s), 14.4x or 6x",
    alert: "BackendLatencyBudgetBurnFast",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "backend",
    failure: "Requests over 1 s slowly eat the latency budget",
    signal: "the same ratios, 3x or 1x",
    alert: "BackendLatencyBudgetBurnSlow",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "backend",
    failure: "The backend answers nothing (down, or refuses the scraper's token)",
    signal: '`up{job="trackgraph-backend"} == 0` for 5 min',
    alert: "BackendScrapeDown",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "backend",
    failure: "At its maximum instances and out of CPU or memory: requests queue and fail",
    signal: "composite: `backend-instances-at-max` and (`backend-cpu-high` or `backend-memory-high`)",
    alert: "backend-saturated",
    source: "cloudwatch",
    severity: "page",
  },
  {
    component: "backend",
    failure: "Runs at its maximum instances (App Runner) or tasks (ECS Express): no room to scale out",
    signal:
      "`AWS/AppRunner` `ActiveInstances` or `ECS/ContainerInsights` `RunningTaskCount` at `backend.maxInstances` for 15 min",
    alert: "backend-instances-at-max",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "backend",
    failure: "Answers 5xx, counted by the platform (independent of our telemetry)",
    signal:
      "`AWS/AppRunner` `5xxStatusResponses`/`Requests`, or the ALB target group's `HTTPCode_Target_5XX_Count`/`RequestCount`, above 5% for 15 min",
    alert: "backend-5xx",
    source: "cloudwatch",
    severity: "ticket",
    only: "App Runner; on ECS Express with the load balancer's names",
  },
  {
    component: "backend",
    failure: "Fails requests with an error in its own log (an exception, a dependency that refuses)",
    signal:
      '`TrackGraph/Backend` `ErrorLogLines` (a metric filter on its log group: `level` `"error"` or `"fatal"`) above 5 per 5 min for 15 min',
    alert: "backend-error-lines",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "backend",
    failure: "Drops spans: its export queue to the proxy is full",
    signal: "`trackgraph_otel_spans_dropped_total` rising for 20 min",
    alert: "BackendDroppingSpans",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "telemetry proxy",
    failure: "The proxy is down or cannot remote-write (traces are lost with it)",
    signal: '`absent_over_time(otelcol_process_uptime_seconds_total{job="telemetry-proxy"}[10m])`',
    alert: "TelemetryProxyAbsent",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "telemetry proxy",
    failure: "Refuses spans (memory limiter, full queue)",
    signal: "`otelcol_receiver_refused_spans_total` rising for 5 min",
    alert: "CollectorRefusingSpans",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "metrics scraper",
    failure: "The scraper is down or cannot remote-write: the backend's metrics and SLO alerts are blind",
    signal: '`absent_over_time(otelcol_process_uptime_seconds_total{job="telemetry-scraper"}[10m])`',
    alert: "TelemetryScraperAbsent",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "metrics scraper",
    failure: "The scraper lives but no longer scrapes the backend (target or config lost)",
    signal: '`absent_over_time(up{job="trackgraph-backend"}[10m])`',
    alert: "BackendMetricsAbsent",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "metrics scraper",
    failure: "Refuses metric points (memory limiter, full queue)",
    signal: "`otelcol_receiver_refused_metric_points_total` rising for 5 min",
    alert: "CollectorRefusingMetricPoints",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "remote write to AMP",
    failure: "AMP refuses some remote writes (throttling, bad samples)",
    signal: "`otelcol_exporter_send_failed_metric_points_total` rising for 10 min",
    alert: "CollectorExportFailingMetricPoints",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "remote write to AMP",
    failure: "Every remote write fails (role, SigV4, endpoint): nothing arrives, not even the failure counts",
    signal: "both collectors' self-telemetry absent",
    alert: "TelemetryScraperAbsent",
    source: "prometheus",
    severity: "page",
  },
  {
    component: "trace export to X-Ray",
    failure: "X-Ray refuses or cannot be reached: spans are lost",
    signal: "`otelcol_exporter_send_failed_spans_total` rising for 10 min",
    alert: "CollectorExportFailingSpans",
    source: "prometheus",
    severity: "ticket",
  },
  {
    component: "AMP quotas",
    failure: "Active series approach the workspace quota (a label with unbounded values)",
    signal: "`AWS/Usage` `ResourceCount` `ActiveSeries` above 80% of the quota",
    alert: "amp-active-series-near-quota",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "AMP quotas",
    failure: "Ingestion approaches the samples-per-second quota: remote writes get 429",
    signal: "`AWS/Usage` `ResourceCount` `IngestionRate` above 80% of the quota",
    alert: "amp-ingestion-rate-near-quota",
    source: "cloudwatch",
    severity: "ticket",
  },
  {
    component: "Grafana's data sources",
    failure:
      "Grafana cannot query AMP (workspace role, SigV4 settings): backend and collector dashboards blank",
    signal: "a Grafana rule querying `vector(1)` errors or returns nothing for 10 min",
    alert: "GrafanaPrometheusDatasourceFailing",
    source: "grafana",
    severity: "ticket",
  },
  {
    component: "Grafana's data sources",
    failure: "Grafana cannot query CloudWatch: edge and log-pipeline dashboards blank",
    signal: "a Grafana rule querying `AWS/Lambda` `Invocations` errors for 10 min",
    alert: "GrafanaCloudWatchDatasourceFailing",
    source: "grafana",
    severity: "ticket",
  },
];

/** Each alert of the catalogue once, with its source and severity. */
export function catalogueAlerts(
  modes: readonly FailureMode[] = FAILURE_MODES,
): Array<{ alert: string; source: AlertSource; severity: Severity }> {
  const seen = new Map<string, { alert: string; source: AlertSource; severity: Severity }>();
  for (const m of modes)
    if (!seen.has(m.alert)) seen.set(m.alert, { alert: m.alert, source: m.source, severity: m.severity });
  return [...seen.values()];
}

const SOURCE_LABEL: Record<AlertSource, string> = {
  prometheus: "AMP rule",
  cloudwatch: "CloudWatch alarm",
  grafana: "Grafana rule",
};

/** A Markdown table, columns padded to the widest cell (as the other tables of the READMEs). */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The README's catalogue table. */
export function catalogueMarkdown(modes: readonly FailureMode[] = FAILURE_MODES): string {
  return markdownTable(
    ["Component", "Failure", "Signal", "Alert", "Severity", "Runbook"],
    modes.map((m) => [
      m.component,
      m.only === undefined ? m.failure : `${m.failure} (${m.only})`,
      m.signal.replaceAll("|", "\\|"),
      `\`${m.alert}\` (${SOURCE_LABEL[m.source]})`,
      m.severity,
      `[${m.alert}.md](../../${runbookPath(m.alert)})`,
    ]),
  );
}

export const CATALOGUE_BEGIN =
  "<!-- catalogue:begin (generated from src/catalogue.ts: pnpm catalogue:readme) -->";
export const CATALOGUE_END = "<!-- catalogue:end -->";

/** The README with its catalogue block replaced by the generated table. */
export function withCatalogue(readme: string, table: string = catalogueMarkdown()): string {
  const begin = readme.indexOf(CATALOGUE_BEGIN);
  const end = readme.indexOf(CATALOGUE_END);
  if (begin < 0 || end < begin) throw new Error("the README has no catalogue block");
  return `${readme.slice(0, begin + CATALOGUE_BEGIN.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
