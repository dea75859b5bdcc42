import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { backendDashboard } from "./backend-dashboard.js";
import { collectorsDashboard } from "./collectors-dashboard.js";
import type { DashboardContext } from "./context.js";
import { DATASOURCES } from "./datasources.js";
import { edgeDashboard } from "./edge-dashboard.js";
import { logPipelineDashboard } from "./log-pipeline-dashboard.js";

/** Every dashboard, keyed by the file name it is exported under. */
export function allDashboards(context: DashboardContext): Record<string, dashboard.Dashboard> {
  return {
    "backend.json": backendDashboard(context),
    "collectors.json": collectorsDashboard(context),
    "edge.json": edgeDashboard(context),
    "log-pipeline.json": logPipelineDashboard(context),
  };
}

/** One query of one panel, as the dashboard holds it. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  /** PromQL, for Prometheus panels. */
  expr?: string;
  /** The SQL as the panel holds it (Grafana macros unexpanded), for Athena panels. */
  sql?: string;
  /** CloudWatch namespace, metric, statistic and dimension names, for CloudWatch panels. */
  cloudwatch?: { namespace: string; metricName: string; statistic: string; dimensions: string[] };
}

function panelsOf(d: dashboard.Dashboard): dashboard.Panel[] {
  return (d.panels ?? []).filter((p): p is dashboard.Panel => p.type !== "row");
}

/** Every query of a dashboard, with its panel's title. */
function queries(d: dashboard.Dashboard): PanelQuery[] {
  return panelsOf(d).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      // The SDK types targets as the Dataquery variant union; each data source's fields are read by name.
      const t = target as unknown as Record<string, unknown>;
      const base = { dashboard: d.uid ?? "", panel: panel.title ?? "", refId: String(t.refId ?? "") };
      if (panel.datasource?.uid === DATASOURCES.prometheus.uid) return { ...base, expr: String(t.expr) };
      if (panel.datasource?.uid === DATASOURCES.athena.uid) return { ...base, sql: String(t.rawSQL) };
      if (typeof t.expression === "string" && t.expression !== "") return base;
      return {
        ...base,
        cloudwatch: {
          namespace: String(t.namespace),
          metricName: String(t.metricName),
          statistic: String(t.statistic),
          dimensions: Object.keys((t.dimensions as Record<string, string> | undefined) ?? {}),
        },
      };
    }),
  );
}

/** Every PromQL query of the given dashboards. */
export function prometheusQueries(dashboards: dashboard.Dashboard[]): PanelQuery[] {
  return dashboards.flatMap(queries).filter((q) => q.expr !== undefined);
}

/** Every Athena SQL query of the given dashboards. */
export function athenaQueries(dashboards: dashboard.Dashboard[]): PanelQuery[] {
  return dashboards.flatMap(queries).filter((q) => q.sql !== undefined);
}

/** Every CloudWatch metric query of the given dashboards (metric-math expressions left out). */
export function cloudWatchQueries(dashboards: dashboard.Dashboard[]): PanelQuery[] {
  return dashboards.flatMap(queries).filter((q) => q.cloudwatch !== undefined);
}
