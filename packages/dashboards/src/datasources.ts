import type * as common from "@grafana/grafana-foundation-sdk/common";

/**
 * The data sources every dashboard reads, by uid. The dashboards stack provisions them with exactly these
 * uids in the Managed Grafana workspace; a user importing the exported JSON creates (or maps) them.
 */
export const DATASOURCES = {
  prometheus: { type: "prometheus", uid: "trackgraph-amp" },
  cloudwatch: { type: "cloudwatch", uid: "trackgraph-cloudwatch" },
  xray: { type: "grafana-x-ray-datasource", uid: "trackgraph-xray" },
  athena: { type: "grafana-athena-datasource", uid: "trackgraph-athena" },
} as const satisfies Record<string, common.DataSourceRef>;

/**
 * The data sources' links between traces and logs, as Grafana's provisioning `jsonData` (merge into each
 * data source's own settings). From a trace in X-Ray, "CloudWatch Logs" opens the log lines of that trace
 * (`tracesToLogs`, read by the X-Ray plugin; it queries the log groups the trace's segments name, which the
 * backend's `aws.log.group.names` resource attribute puts there). From a log line in CloudWatch Logs
 * Insights, a field named `@xrayTraceId` links to the trace in X-Ray (`tracingDatasourceUid`): the
 * dashboards' log queries alias the backend's `xray_trace_id` to it.
 */
export const TRACE_LOG_LINKS = {
  xray: { tracesToLogs: { datasourceUid: DATASOURCES.cloudwatch.uid } },
  cloudwatch: { tracingDatasourceUid: DATASOURCES.xray.uid },
} as const;

/** The `jsonData` of the CloudWatch and X-Ray data sources in one region, with the trace and log links. */
export function linkedJsonData(region: string, authType = "ec2") {
  return {
    cloudwatch: { authType, defaultRegion: region, ...TRACE_LOG_LINKS.cloudwatch },
    xray: { authType, defaultRegion: region, ...TRACE_LOG_LINKS.xray },
  };
}
