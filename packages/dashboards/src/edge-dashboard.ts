import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { EDGE_DIMENSION, EDGE_NAMESPACE, type EdgeMetric } from "./cloudwatch-names.js";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { type CloudWatchMetric, cloudWatchPanel } from "./panels.js";
import { textVariable } from "./variables.js";

/** One TrackGraph/CloudFront metric of the dashboard's distribution. */
export function edgeMetric(metricName: EdgeMetric, statistic = "Sum", extra: Partial<CloudWatchMetric> = {}) {
  return {
    namespace: EDGE_NAMESPACE,
    metricName,
    statistic,
    dimensions: { [EDGE_DIMENSION]: "$distribution" },
    ...extra,
  } satisfies CloudWatchMetric;
}

/** The edge: CloudFront traffic as the log parser publishes it (TrackGraph/CloudFront). */
export function edgeDashboard(context: DashboardContext): dashboard.Dashboard {
  return numbered(
    trackgraphDashboard(`TrackGraph edge (${context.environment})`, "trackgraph-edge", "edge", {
      refresh: "5m",
      from: "now-24h",
    })
      .withVariable(textVariable("region", "Region", context.region))
      .withVariable(textVariable("distribution", "Distribution", context.distributionId))
      .withPanel(cloudWatchPanel("Requests", "short", [edgeMetric("Requests", "Sum", { label: "requests" })]))
      .withPanel(
        cloudWatchPanel("Bytes", "bytes", [
          edgeMetric("BytesDownloaded", "Sum", { label: "to viewers" }),
          edgeMetric("BytesUploaded", "Sum", { label: "from viewers" }),
        ]),
      )
      .withPanel(
        cloudWatchPanel("Status classes", "short", [
          edgeMetric("Requests2xx", "Sum", { label: "2xx" }),
          edgeMetric("Requests3xx", "Sum", { label: "3xx" }),
          edgeMetric("Requests4xx", "Sum", { label: "4xx" }),
          edgeMetric("Requests5xx", "Sum", { label: "5xx" }),
        ]),
      )
      .withPanel(
        cloudWatchPanel(
          "Cache hit ratio",
          "percentunit",
          [
            edgeMetric("CacheHits", "Sum", { id: "hits", hidden: true }),
            edgeMetric("CacheMisses", "Sum", { id: "misses", hidden: true }),
          ],
          [{ expression: "hits / (hits + misses)", label: "hit ratio" }],
        ),
      )
      .withPanel(
        cloudWatchPanel("Time taken", "s", [
          edgeMetric("TimeTaken", "p50", { label: "p50" }),
          edgeMetric("TimeTaken", "p99", { label: "p99" }),
          edgeMetric("TimeToFirstByte", "p99", { label: "first byte p99" }),
        ]),
      )
      .build(),
  );
}
