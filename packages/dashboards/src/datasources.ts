import type * as common from "@grafana/grafana-foundation-sdk/common";

/**
 * The data sources every dashboard reads, by uid. The dashboards stack provisions them with exactly these
 * uids in the Managed Grafana workspace; a user importing the exported JSON creates (or maps) them.
 */
export const DATASOURCES = {
  prometheus: { type: "prometheus", uid: "trackgraph-amp" },
  cloudwatch: { type: "cloudwatch", uid: "trackgraph-cloudwatch" },
  xray: { type: "grafana-x-ray-datasource", uid: "trackgraph-xray" },
} as const satisfies Record<string, common.DataSourceRef>;
