import { stringify } from "yaml";
import { BACKEND, JOBS } from "./promql.js";

/** The backend's service-level objectives the alerts defend. */
export const SLO = {
  /** At most this share of requests may fail (5xx) over 10 minutes. */
  errorRatio: 0.01,
  /** p99 latency over 10 minutes must stay under this many seconds. */
  latencyP99Seconds: 1,
} as const;

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "page" | "ticket" };
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

const collectors = `job=~"${JOBS.proxy}|${JOBS.scraper}"`;

/** Recording rules: the SLO series the alerts and dashboards can share, evaluated once. */
export const RECORDING_RULES: RuleGroup = {
  name: "trackgraph-backend-slo",
  interval: "1m",
  rules: [
    { record: "trackgraph:http_requests:rate5m", expr: BACKEND.requestRate("5m").expr },
    { record: "trackgraph:http_errors:ratio_rate5m", expr: BACKEND.errorRatio("5m").expr },
    { record: "trackgraph:http_latency:p99_5m", expr: BACKEND.latency(0.99, "5m", "job").expr },
  ],
};

/**
 * A collector refusing or failing to send one signal. One alert per signal, not one `or`-ed expression:
 * after rate() drops the metric name, the spans and metric-point series of the same collector carry the
 * same labels, and `or` would keep only the left one.
 */
function collectorAlerts(signal: "spans" | "metric_points"): AlertingRule[] {
  const Signal = signal === "spans" ? "Spans" : "MetricPoints";
  const items = signal === "spans" ? "spans" : "metric points";
  return [
    {
      alert: `CollectorRefusing${Signal}`,
      expr: `sum by (job) (rate(otelcol_receiver_refused_${signal}_total{${collectors}}[5m])) > 0`,
      for: "5m",
      labels: { severity: "ticket" },
      annotations: {
        summary: `{{ $labels.job }} refuses ${items} (memory limiter or a full queue)`,
        description: `{{ $value | humanize }} ${items}/s refused for 5 minutes.`,
      },
    },
    {
      alert: `CollectorExportFailing${Signal}`,
      expr: `sum by (job, exporter) (rate(otelcol_exporter_send_failed_${signal}_total{${collectors}}[5m])) > 0`,
      for: "10m",
      labels: { severity: "ticket" },
      annotations: {
        summary: `{{ $labels.job }} cannot deliver ${items} through {{ $labels.exporter }}`,
        description: `{{ $value | humanize }} ${items}/s failed to send for 10 minutes (X-Ray or AMP refuses them).`,
      },
    },
  ];
}

/** Alerts: the backend's SLOs, its scrape target, and telemetry the pipeline loses. */
export const ALERTING_RULES: RuleGroup = {
  name: "trackgraph-alerts",
  rules: [
    {
      alert: "BackendErrorRateHigh",
      expr: `trackgraph:http_errors:ratio_rate5m > ${SLO.errorRatio}`,
      for: "10m",
      labels: { severity: "page" },
      annotations: {
        summary: "TrackGraph backend: more than 1% of requests fail",
        description:
          "{{ $value | humanizePercentage }} of requests answered 5xx over 5 minutes, for 10 minutes.",
      },
    },
    {
      alert: "BackendLatencyHigh",
      expr: `trackgraph:http_latency:p99_5m > ${SLO.latencyP99Seconds}`,
      for: "10m",
      labels: { severity: "page" },
      annotations: {
        summary: "TrackGraph backend: p99 latency above 1 s",
        description: "p99 latency is {{ $value | humanizeDuration }} over 5 minutes, for 10 minutes.",
      },
    },
    {
      alert: "BackendScrapeDown",
      expr: `up{job="${JOBS.backend}"} == 0`,
      for: "5m",
      labels: { severity: "ticket" },
      annotations: {
        summary: "The metrics scraper cannot read the backend's /metrics",
        description: "{{ $labels.instance }} has been unreachable or refused the token for 5 minutes.",
      },
    },
    {
      alert: "BackendDroppingSpans",
      expr: `sum(rate(trackgraph_otel_spans_dropped_total{job="${JOBS.backend}"}[5m])) > 0`,
      for: "10m",
      labels: { severity: "ticket" },
      annotations: {
        summary: "The backend drops spans: its queue to the telemetry proxy is full",
        description: "{{ $value | humanize }} spans/s dropped for 10 minutes; check the proxy's health.",
      },
    },
    ...collectorAlerts("spans"),
    ...collectorAlerts("metric_points"),
  ],
};

export const RULE_GROUPS: RuleGroup[] = [RECORDING_RULES, ALERTING_RULES];

/** The rule file, as promtool checks it and as the AMP rule-group namespace takes it. */
export function rulesYaml(groups: RuleGroup[] = RULE_GROUPS): string {
  return stringify({ groups }, { lineWidth: 0 });
}

/** Every PromQL expression of the rules, for the contract test. */
export function ruleExpressions(groups: RuleGroup[] = RULE_GROUPS): string[] {
  return groups.flatMap((g) => g.rules.map((r) => r.expr));
}
