import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { promPanel } from "./panels.js";
import { JOBS } from "./promql.js";

const W = "$__rate_interval";
const collectors = `job=~"${JOBS.proxy}|${JOBS.scraper}"`;

/** Both collectors (proxy, scraper): what they accepted, refused and failed to send, queues and memory. */
export function collectorsDashboard(context: DashboardContext): dashboard.Dashboard {
  return numbered(
    trackgraphDashboard(
      `TrackGraph collectors (${context.environment})`,
      "trackgraph-collectors",
      "telemetry",
      { refresh: "1m", from: "now-6h" },
    )
      .withPanel(
        promPanel("Spans accepted and refused (proxy)", "short", [
          {
            expr: `sum(rate(otelcol_receiver_accepted_spans_total{${collectors}}[${W}]))`,
            legend: "accepted/s",
          },
          {
            expr: `sum(rate(otelcol_receiver_refused_spans_total{${collectors}}[${W}]))`,
            legend: "refused/s",
          },
        ]),
      )
      .withPanel(
        promPanel("Metric points accepted and refused", "short", [
          {
            expr: `sum by (job) (rate(otelcol_receiver_accepted_metric_points_total{${collectors}}[${W}]))`,
            legend: "accepted/s {{job}}",
          },
          {
            expr: `sum by (job) (rate(otelcol_receiver_refused_metric_points_total{${collectors}}[${W}]))`,
            legend: "refused/s {{job}}",
          },
        ]),
      )
      .withPanel(
        promPanel("Spans sent to X-Ray, and failed sends", "short", [
          { expr: `sum(rate(otelcol_exporter_sent_spans_total{${collectors}}[${W}]))`, legend: "sent/s" },
          {
            expr: `sum(rate(otelcol_exporter_send_failed_spans_total{${collectors}}[${W}]))`,
            legend: "failed/s",
          },
        ]),
      )
      .withPanel(
        promPanel("Exporter queue use", "percentunit", [
          {
            expr: `max by (job, exporter) (otelcol_exporter_queue_size{${collectors}}) / max by (job, exporter) (otelcol_exporter_queue_capacity{${collectors}})`,
            legend: "{{job}} {{exporter}}",
          },
        ]),
      )
      .withPanel(
        promPanel("Resident memory", "bytes", [
          { expr: `max by (job) (otelcol_process_memory_rss_bytes{${collectors}})`, legend: "{{job}}" },
        ]),
      )
      .withPanel(
        promPanel("Scrape health of the backend", "short", [
          { expr: `min(up{job="${JOBS.backend}"})`, legend: "up" },
          { expr: `max(scrape_duration_seconds{job="${JOBS.backend}"})`, legend: "scrape seconds" },
        ]),
      )
      .build(),
  );
}
