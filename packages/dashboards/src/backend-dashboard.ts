import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { DATASOURCES } from "./datasources.js";
import { cloudWatchLogsPanel, promPanel, promStat } from "./panels.js";
import { BACKEND, JOBS } from "./promql.js";
import { textVariable } from "./variables.js";

const W = "$__rate_interval";
const backend = `job="${JOBS.backend}"`;

/** Grafana Explore on the X-Ray data source, listing the backend's traces (the link keeps the time range). */
export function xrayTracesUrl(filter = `service("${JOBS.backend}")`): string {
  const left = {
    datasource: DATASOURCES.xray.uid,
    queries: [{ refId: "A", datasource: DATASOURCES.xray, queryType: "getTraceSummaries", query: filter }],
  };
  return `/explore?left=${encodeURIComponent(JSON.stringify(left))}`;
}

/** The dashboard variable that names the backend's CloudWatch log group. */
export const BACKEND_LOG_GROUP_VARIABLE = "backend_log_group";

/**
 * The backend's log group when the dashboards stack does not name one: where the infra app sends the
 * backend's stdout on ECS Express, `/ecs/<project>-<environment>-backend` (App Runner's own group has a
 * generated name: set the variable). The infra tests hold the two to the same name.
 */
export function defaultBackendLogGroup(environment: string, project = "trackgraph"): string {
  return `/ecs/${project}-${environment}-backend`;
}

/**
 * The Logs Insights queries of the backend dashboard. They read only fields the backend writes (the
 * bootstrap's LOG_FIELDS and the backend's REQUEST_LOG_FIELDS; the contract check holds them to real
 * lines) and alias `xray_trace_id` to `@xrayTraceId`, which the CloudWatch data source links to X-Ray.
 */
export const BACKEND_LOG_QUERIES = {
  byTrace: [
    "fields @timestamp, level, msg, method, route, path, status, duration_ms, bytes, span_id, err.message, err.stack, xray_trace_id as @xrayTraceId",
    '| filter xray_trace_id like "$trace_id" or trace_id like "$trace_id"',
    "| sort @timestamp asc",
    "| limit 500",
  ].join("\n"),
  byLevel: [
    "fields @timestamp, level, msg, route, status, duration_ms, err.message, err.stack, xray_trace_id as @xrayTraceId",
    '| filter level = "$level"',
    "| sort @timestamp desc",
    "| limit 200",
  ].join("\n"),
} as const;

function levelVariable() {
  const levels = ["error", "warn", "info", "debug"];
  return new dashboard.CustomVariableBuilder("level")
    .label("Log level")
    .values(levels.join(","))
    .options(levels.map((l) => ({ text: l, value: l, selected: l === "error" })))
    .current({ text: "error", value: "error" });
}

/** The backend: RED metrics by route, runtime, the tracing pipeline's health (AMP), and its log lines. */
export function backendDashboard(context: DashboardContext): dashboard.Dashboard {
  const logGroup = `$${BACKEND_LOG_GROUP_VARIABLE}`;
  return numbered(
    trackgraphDashboard(`TrackGraph backend (${context.environment})`, "trackgraph-backend", "backend", {
      refresh: "1m",
      from: "now-6h",
    })
      .link(
        new dashboard.DashboardLinkBuilder("Traces in X-Ray")
          .type(dashboard.DashboardLinkType.Link)
          .url(xrayTracesUrl())
          .icon("info")
          .targetBlank(true)
          .keepTime(true),
      )
      .withVariable(textVariable("region", "Region", context.region))
      .withVariable(
        textVariable(
          BACKEND_LOG_GROUP_VARIABLE,
          "Backend log group",
          defaultBackendLogGroup(context.environment),
        ),
      )
      .withVariable(textVariable("trace_id", "Trace id (X-Ray 1-... or W3C)", ""))
      .withVariable(levelVariable())
      .withRow(new dashboard.RowBuilder("Requests"))
      .withPanel(
        promStat("Requests per second", "reqps", {
          expr: `sum(rate(http_server_request_duration_count{${backend}}[5m]))`,
        }),
      )
      .withPanel(promStat("5xx ratio (5 min)", "percentunit", BACKEND.errorRatio("5m")))
      .withPanel(promStat("p99 latency (5 min)", "s", BACKEND.latency(0.99, "5m", "job")))
      .withPanel(promStat("Instances", "none", { expr: `count(up{${backend}} == 1)` }))
      .withPanel(promPanel("Request rate by route", "reqps", [BACKEND.requestRate(W)]))
      .withPanel(promPanel("Responses by status code", "reqps", [BACKEND.statusRate(W)]))
      .withPanel(
        promPanel("Latency by route", "s", [
          BACKEND.latency(0.5, W),
          BACKEND.latency(0.95, W),
          BACKEND.latency(0.99, W),
        ]),
      )
      .withPanel(promPanel("5xx ratio", "percentunit", [BACKEND.errorRatio(W)]))
      .withRow(new dashboard.RowBuilder("Runtime"))
      .withPanel(
        promPanel("Event loop delay", "s", [
          { expr: `max by (instance) (nodejs_eventloop_delay_p99{${backend}})`, legend: "p99 {{instance}}" },
          { expr: `max by (instance) (nodejs_eventloop_delay_p50{${backend}})`, legend: "p50 {{instance}}" },
        ]),
      )
      .withPanel(
        promPanel("Event loop utilization", "percentunit", [
          { expr: `max by (instance) (nodejs_eventloop_utilization{${backend}})`, legend: "{{instance}}" },
        ]),
      )
      .withPanel(
        promPanel("V8 heap used", "bytes", [
          { expr: `sum by (instance) (v8js_memory_heap_used{${backend}})`, legend: "{{instance}}" },
        ]),
      )
      .withPanel(
        promPanel("Garbage collection time", "s", [
          {
            expr: `sum by (v8js_gc_type) (rate(v8js_gc_duration_sum{${backend}}[${W}]))`,
            legend: "{{v8js_gc_type}}",
          },
        ]),
      )
      .withRow(new dashboard.RowBuilder("Tracing pipeline"))
      .withPanel(
        promPanel(
          "Spans queued, dropped and failed",
          "short",
          [
            { expr: `sum(trackgraph_otel_spans_queued{${backend}})`, legend: "queued" },
            { expr: `sum(rate(trackgraph_otel_spans_dropped_total{${backend}}[${W}]))`, legend: "dropped/s" },
            {
              expr: `sum(rate(trackgraph_otel_spans_export_failed_total{${backend}}[${W}]))`,
              legend: "failed/s",
            },
          ],
          "Drops mean the span queue was full (the proxy is down or slow); failures are refused exports.",
        ),
      )
      .withPanel(
        promPanel("Outgoing calls (S3) latency", "s", [
          {
            expr: `histogram_quantile(0.95, sum by (le, server_address) (rate(http_client_request_duration_bucket{${backend}}[${W}])))`,
            legend: "p95 {{server_address}}",
          },
        ]),
      )
      .withRow(new dashboard.RowBuilder("Logs"))
      .withPanel(
        cloudWatchLogsPanel(
          "Log lines of trace $trace_id",
          BACKEND_LOG_QUERIES.byTrace,
          [logGroup],
          "Every line the backend wrote inside the trace (request, error with its stack), oldest first. Paste a trace id from X-Ray; empty lists every traced line. @xrayTraceId links back to the trace.",
        ),
      )
      .withPanel(
        cloudWatchLogsPanel(
          "Log lines at level $level",
          BACKEND_LOG_QUERIES.byLevel,
          [logGroup],
          "The newest lines of the chosen level; an error line carries err.stack and its trace.",
        ),
      )
      .build(),
  );
}
