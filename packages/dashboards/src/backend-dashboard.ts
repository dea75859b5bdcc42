import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { DATASOURCES } from "./datasources.js";
import { promPanel, promStat } from "./panels.js";
import { BACKEND, JOBS } from "./promql.js";

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

/** The backend: RED metrics by route, runtime, and the tracing pipeline's own health (from AMP). */
export function backendDashboard(context: DashboardContext): dashboard.Dashboard {
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
      .build(),
  );
}
