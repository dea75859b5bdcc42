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
  windowSeconds,
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
  /**
   * How long the alert keeps firing once its condition clears (Prometheus 2.42 and AMP take it). Set on
   * an inhibit rule's source, so that the alerts it silences clear while it still fires.
   * @default - none: the alert resolves at the first evaluation its condition is false
   */
  keep_firing_for?: string;
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
  /**
   * Shorter timings, for alert tests on the local plane only: the rule file we deploy (and promtool
   * tests) never sets this.
   */
  timings?: RuleTimings;
}

/**
 * Time compression of the rules for end-to-end alert tests: the same expressions, thresholds and labels,
 * with every `for` and every range selector divided by `divideBy` (30 makes `[10m]` `[20s]` and `for: 5m`
 * `for: 10s`) and every group evaluated every `interval`. Record names keep their production windows
 * (`..._ratio_rate1h` then reads 2 minutes), so the alerts read the same series names.
 */
export interface RuleTimings {
  divideBy: number;
  interval: string;
}

export class RuleTimingsError extends Error {
  override readonly name = "RuleTimingsError";
}

/** A production duration divided by the compression factor, in whole seconds. */
function compress(duration: string, timings: RuleTimings): string {
  const seconds = windowSeconds(duration) / timings.divideBy;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RuleTimingsError(
      `timings.divideBy ${timings.divideBy}: ${duration} does not divide into whole seconds`,
    );
  }
  return `${seconds}s`;
}

function compressGroup(group: RuleGroup, timings: RuleTimings): RuleGroup {
  windowSeconds(timings.interval);
  return {
    ...group,
    interval: timings.interval,
    rules: group.rules.map((rule) => {
      const expr = rule.expr.replace(/\[(\d+[smhd])\]/g, (_all, d: string) => `[${compress(d, timings)}]`);
      if (!("alert" in rule)) return { ...rule, expr };
      const held = rule.keep_firing_for;
      return {
        ...rule,
        expr,
        for: compress(rule.for, timings),
        ...(held === undefined ? {} : { keep_firing_for: compress(held, timings) }),
      };
    }),
  };
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
 * How long each collector's absence alert keeps firing after its series return: longer than the alerts it
 * inhibits take to clear, so that the end of an incident sends no page or ticket of theirs.
 */
const SCRAPER_ABSENT_HELD = "3m";
const PROXY_ABSENT_HELD = "7m";

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
      // A restored scraper's own series can land a scrape (30 s) and an evaluation before the backend's
      // `up`: held this long, it still inhibits BackendMetricsAbsent until that one clears too.
      keep_firing_for: SCRAPER_ABSENT_HELD,
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
      // BackendDroppingSpans reads a 5-minute rate: it clears 5 minutes after the last drop, a scrape and
      // an evaluation later. Held this long, the proxy's absence still inhibits it until then.
      keep_firing_for: PROXY_ABSENT_HELD,
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
      // Three minutes after TelemetryScraperAbsent could: a dead scraper stops both series, the backend's
      // `up` up to a scrape earlier, and the inhibit rule holds only if the scraper's page fires first.
      for: "8m",
      labels: { severity: "page", telemetry_path: "scraper" },
      annotations: {
        summary: "No scrape of the backend reaches AMP",
        description:
          'up{job="trackgraph-backend"} has been missing for 18 minutes: the scraper no longer scrapes the backend (its target or config). The backend\'s SLO alerts are blind.',
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
        // Longer than TelemetryProxyAbsent takes (15 minutes and an evaluation): a dead proxy makes the
        // backend drop spans at once, and the inhibit rule holds only if the proxy's ticket comes first.
        for: "20m",
        labels: { severity: "ticket", telemetry_path: "scraper" },
        annotations: {
          summary: "The backend drops spans: its queue to the telemetry proxy is full",
          description: "{{ $value | humanize }} spans/s dropped for 20 minutes; check the proxy's health.",
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
  const groups = [RECORDING_RULES, SLO_RECORDING_RULES, alertingRules(options)];
  const timings = options.timings;
  return timings === undefined ? groups : groups.map((g) => compressGroup(g, timings));
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
