import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { AWS_METRICS } from "./cloudwatch-names.js";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { edgeMetric } from "./edge-dashboard.js";
import { cloudWatchPanel } from "./panels.js";
import { textVariable } from "./variables.js";

const lambda = (metricName: string, statistic: string, label: string) => ({
  namespace: AWS_METRICS.lambda.namespace,
  metricName,
  statistic,
  dimensions: { [AWS_METRICS.lambda.dimension]: "$function" },
  label,
});

/** The log pipeline: the parser Lambda's health, its dead-letter queue, and what it skipped. */
export function logPipelineDashboard(context: DashboardContext): dashboard.Dashboard {
  return numbered(
    trackgraphDashboard(
      `TrackGraph log pipeline (${context.environment})`,
      "trackgraph-log-pipeline",
      "edge",
      { refresh: "5m", from: "now-24h" },
    )
      .withVariable(textVariable("region", "Region", context.region))
      .withVariable(textVariable("distribution", "Distribution", context.distributionId))
      .withVariable(textVariable("function", "Log parser function", context.logParserFunction))
      .withVariable(textVariable("queue", "Dead-letter queue", context.deadLetterQueue))
      .withPanel(
        cloudWatchPanel("Invocations and errors", "short", [
          lambda("Invocations", "Sum", "invocations"),
          lambda("Errors", "Sum", "errors"),
          lambda("Throttles", "Sum", "throttles"),
        ]),
      )
      .withPanel(
        cloudWatchPanel("Duration", "ms", [
          lambda("Duration", "p50", "p50"),
          lambda("Duration", "Maximum", "max"),
        ]),
      )
      .withPanel(
        cloudWatchPanel("Dead-letter queue depth", "short", [
          {
            namespace: AWS_METRICS.sqs.namespace,
            metricName: "ApproximateNumberOfMessagesVisible",
            statistic: "Maximum",
            dimensions: { [AWS_METRICS.sqs.dimension]: "$queue" },
            label: "failed events",
          },
        ]),
      )
      .withPanel(
        cloudWatchPanel("Log objects and malformed lines", "short", [
          edgeMetric("LogObjectsProcessed", "Sum", { label: "objects" }),
          edgeMetric("MalformedLines", "Sum", { label: "malformed lines" }),
          edgeMetric("TruncatedObjects", "Sum", { label: "truncated objects" }),
        ]),
      )
      .build(),
  );
}
