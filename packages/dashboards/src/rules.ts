import { stringify } from "yaml";
import { BACKEND, JOBS } from "./promql.js";
import { DEFAULT_RUNBOOK_BASE, runbookUrl } from "./runbooks.js";
import {
  BACKEND_SLOS,
  type BackendSlo,
  BURN_RATE_TIERS,
  BURN_WINDOWS,
  burnThreshold,
  errorBudget,
  percent,
  type Severity,
  sloRecord,
} from "./slo.js";

export interface RecordingRule {
  record: string;
  expr: string;
}

/**
 * The labels every alert carries: its severity (Alertmanager routes `page` and `ticket` to different SNS
 * topics) and, where its data reaches AMP through one collector, `telemetry_path` (the collector whose
 * own absence alert inhibits it: a dead scraper pages once, not once per series behind it).
 */
export interface AlertLabels {
  severity: Severity;
  telemetry_path?: "scraper" | "proxy";
  slo?: string;
  [label: string]: string | undefined;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: AlertLabels;
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RuleOptions {
  /** Where the runbooks are: `<base>/<alert>.md` becomes each alert's `runbook_url`. */
  runbookBaseUrl?: string;
}

const collectors = `job=~"${JOBS.proxy}|${JOBS.scraper}"`;

/** The alert names of each backend SLO: a fast burn pages, a slow burn opens a ticket. */
export function burnAlertName(slo: BackendSlo["name"], severity: Severity): string {
  const Slo = slo === "availability" ? "Availability" : "Latency";
  return `Backend${Slo}BudgetBurn${severity === "page" ? "Fast" : "Slow"}`;
}

/** Recording rules: the 5-minute series dashboards and people query, evaluated once. */
export const RECORDING_RULES: RuleGroup = {
  name: "trackgraph-backend-slo",
  interval: "1m",
  rules: [
    { record: "trackgraph:http_requests:rate5m", expr: BACKEND.requestRate("5m").expr },
    { record: "trackgraph:http_errors:ratio_rate5m", expr: BACKEND.errorRatio("5m").expr },
    { record: "trackgraph:http_latency:p99_5m", expr: BACKEND.latency(0.99, "5m", "job").expr },
  ],
};

/** Each SLO's error ratio over every window a burn-rate tier reads (7 windows x 2 SLOs). */
export const SLO_RECORDING_RULES: RuleGroup = {
  name: "trackgraph-slo-error-ratios",
  rules: BACKEND_SLOS.flatMap((slo) =>
    BURN_WINDOWS.map((window) => ({ record: sloRecord(slo.name, window), expr: slo.errorRatio(window) })),
  ),
};

/** `(long > t and short > t) or (...)` over the tiers of one severity. */
function burnExpression(slo: BackendSlo, severity: Severity): string {
  const budget = errorBudget(slo.objective);
  return BURN_RATE_TIERS.filter((t) => t.severity === severity)
    .map((t) => {
      const threshold = burnThreshold(t, budget);
      return `(${sloRecord(slo.name, t.long)} > ${threshold} and ${sloRecord(slo.name, t.short)} > ${threshold})`;
    })
    .join(" or ");
}

function burnAlerts(runbooks: string): AlertingRule[] {
  return BACKEND_SLOS.flatMap((slo) =>
    (["page", "ticket"] as const).map((severity) => {
      const alert = burnAlertName(slo.name, severity);
      const tiers = BURN_RATE_TIERS.filter((t) => t.severity === severity);
      const windows = tiers.map((t) => `${t.burnRate}x over ${t.long} and ${t.short}`).join(", or ");
      return {
        alert,
        expr: burnExpression(slo, severity),
        // A page waits two evaluations (one noisy minute is not a burn); a ticket a quarter of an hour.
        for: severity === "page" ? "2m" : "15m",
        labels: { severity, slo: `backend-${slo.name}`, telemetry_path: "scraper" },
        annotations: {
          summary: `TrackGraph backend: the ${slo.name} error budget burns ${severity === "page" ? "fast" : "slowly"}`,
          description: `{{ $value | humanizePercentage }} of requests were not ${slo.good} over the long window (${windows}; objective ${percent(slo.objective)} over 30 days).`,
          runbook_url: runbookUrl(alert, runbooks),
        },
      };
    }),
  );
}

/**
 * A collector refusing or failing to send one signal. One alert per signal, not one `or`-ed expression:
 * after rate() drops the metric name, the spans and metric-point series of the same collector carry the
 * same labels, and `or` would keep only the left one.
 */
function collectorAlerts(signal: "spans" | "metric_points", runbooks: string): AlertingRule[] {
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
        runbook_url: runbookUrl(`CollectorRefusing${Signal}`, runbooks),
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
        runbook_url: runbookUrl(`CollectorExportFailing${Signal}`, runbooks),
      },
    },
  ];
}

/** How long a series may be missing before its absence alert fires (plus the alert's `for`). */
export const ABSENT_WINDOW = "10m";

/**
 * Alerts on missing telemetry. Each collector's own uptime counter (its self-telemetry, scraped by itself
 * and remote-written with everything else) is there whatever the traffic: when it is gone, the collector
 * is down or its remote write is broken. The backend's `up` is written by the scraper on every scrape,
 * success or not: when it is gone while the scraper lives, the scrape itself is gone.
 */
function absenceAlerts(runbooks: string): AlertingRule[] {
  const absent = (selector: string) => `absent_over_time(${selector}[${ABSENT_WINDOW}])`;
  return [
    {
      alert: "TelemetryScraperAbsent",
      expr: absent(`otelcol_process_uptime_seconds_total{job="${JOBS.scraper}"}`),
      for: "5m",
      labels: { severity: "page" },
      annotations: {
        summary: "The metrics scraper's own telemetry stopped arriving in AMP",
        description:
          "No series of job telemetry-scraper for 15 minutes: the scraper is down or cannot remote-write. The backend's metrics, and the SLO alerts on them, are blind.",
        runbook_url: runbookUrl("TelemetryScraperAbsent", runbooks),
      },
    },
    {
      alert: "TelemetryProxyAbsent",
      expr: absent(`otelcol_process_uptime_seconds_total{job="${JOBS.proxy}"}`),
      for: "5m",
      labels: { severity: "ticket" },
      annotations: {
        summary: "The telemetry proxy's own telemetry stopped arriving in AMP",
        description:
          "No series of job telemetry-proxy for 15 minutes: the proxy is down or cannot remote-write; the backend's traces are probably lost too.",
        runbook_url: runbookUrl("TelemetryProxyAbsent", runbooks),
      },
    },
    {
      alert: "BackendMetricsAbsent",
      expr: absent(`up{job="${JOBS.backend}"}`),
      for: "5m",
      labels: { severity: "page", telemetry_path: "scraper" },
      annotations: {
        summary: "No scrape of the backend reaches AMP",
        description:
          'up{job="trackgraph-backend"} has been missing for 15 minutes: the scraper no longer scrapes the backend (its target or config). The backend\'s SLO alerts are blind.',
        runbook_url: runbookUrl("BackendMetricsAbsent", runbooks),
      },
    },
  ];
}

/** Alerts: the backend's SLOs, its scrape target, missing telemetry, and telemetry the pipeline loses. */
export function alertingRules(options: RuleOptions = {}): RuleGroup {
  const runbooks = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE;
  return {
    name: "trackgraph-alerts",
    rules: [
      ...burnAlerts(runbooks),
      {
        alert: "BackendScrapeDown",
        expr: `up{job="${JOBS.backend}"} == 0`,
        for: "5m",
        // The only alert when the backend answers nothing at all: no request, no error ratio.
        labels: { severity: "page", telemetry_path: "scraper" },
        annotations: {
          summary: "The metrics scraper cannot read the backend's /metrics",
          description: "{{ $labels.instance }} has been unreachable or refused the token for 5 minutes.",
          runbook_url: runbookUrl("BackendScrapeDown", runbooks),
        },
      },
      {
        alert: "BackendDroppingSpans",
        expr: `sum(rate(trackgraph_otel_spans_dropped_total{job="${JOBS.backend}"}[5m])) > 0`,
        for: "10m",
        labels: { severity: "ticket", telemetry_path: "scraper" },
        annotations: {
          summary: "The backend drops spans: its queue to the telemetry proxy is full",
          description: "{{ $value | humanize }} spans/s dropped for 10 minutes; check the proxy's health.",
          runbook_url: runbookUrl("BackendDroppingSpans", runbooks),
        },
      },
      ...absenceAlerts(runbooks),
      ...collectorAlerts("spans", runbooks),
      ...collectorAlerts("metric_points", runbooks),
    ],
  };
}

/** The alerting group with runbook links relative to the repository. */
export const ALERTING_RULES: RuleGroup = alertingRules();

/** Every group, recording rules before the alerts that read them. */
export function ruleGroups(options: RuleOptions = {}): RuleGroup[] {
  return [RECORDING_RULES, SLO_RECORDING_RULES, alertingRules(options)];
}

export const RULE_GROUPS: RuleGroup[] = ruleGroups();

/** Every alerting rule of the groups. */
export function alertRules(groups: RuleGroup[] = RULE_GROUPS): AlertingRule[] {
  return groups.flatMap((g) => g.rules.filter((r): r is AlertingRule => "alert" in r));
}

/** The rule file, as promtool checks it and as the AMP rule-group namespace takes it. */
export function rulesYaml(groups: RuleGroup[] = RULE_GROUPS): string {
  return stringify({ groups }, { lineWidth: 0 });
}

/** Every PromQL expression of the rules, for the contract test. */
export function ruleExpressions(groups: RuleGroup[] = RULE_GROUPS): string[] {
  return groups.flatMap((g) => g.rules.map((r) => r.expr));
}
