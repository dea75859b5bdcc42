import * as cloudwatch from "@grafana/grafana-foundation-sdk/cloudwatch";
import * as common from "@grafana/grafana-foundation-sdk/common";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { DATASOURCES } from "./datasources.js";
import type { PromQuery } from "./promql.js";

/** A CloudWatch metric a panel reads: namespace, name, statistic and dimensions (values may be variables). */
export interface CloudWatchMetric {
  namespace: string;
  metricName: string;
  statistic: string;
  dimensions: Record<string, string>;
  label?: string;
  /** Hidden: read only by a metric-math expression of the same panel. */
  id?: string;
  hidden?: boolean;
}

/** A metric-math expression over the panel's metrics (referenced by their ids). */
export interface CloudWatchExpression {
  expression: string;
  label: string;
}

export const REGION_VARIABLE = "$region";

function refId(i: number): string {
  return String.fromCharCode(65 + i);
}

/** A half-width time series panel on one of our data sources. */
function timeSeriesPanel(title: string, unit: string, datasource: common.DataSourceRef) {
  return new timeseries.PanelBuilder().title(title).unit(unit).datasource(datasource).height(8).span(12);
}

/** A time series panel of Prometheus (AMP) queries. */
export function promPanel(title: string, unit: string, queries: PromQuery[], description?: string) {
  const panel = timeSeriesPanel(title, unit, DATASOURCES.prometheus);
  if (description !== undefined) panel.description(description);
  queries.forEach((q, i) => {
    const target = new prometheus.DataqueryBuilder().expr(q.expr).refId(refId(i));
    if (q.legend !== undefined) target.legendFormat(q.legend);
    panel.withTarget(target);
  });
  return panel;
}

/** A single-number panel of one Prometheus query. */
export function promStat(title: string, unit: string, query: PromQuery) {
  return new stat.PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCES.prometheus)
    .height(4)
    .span(6)
    .withTarget(new prometheus.DataqueryBuilder().expr(query.expr).instant().refId("A"));
}

/** A time series panel of CloudWatch metrics, optionally combined with metric math. */
export function cloudWatchPanel(
  title: string,
  unit: string,
  metrics: CloudWatchMetric[],
  expressions: CloudWatchExpression[] = [],
) {
  const panel = timeSeriesPanel(title, unit, DATASOURCES.cloudwatch);
  metrics.forEach((m, i) => {
    const target = new cloudwatch.MetricsQueryBuilder()
      .queryMode(cloudwatch.QueryMode.Metrics)
      .metricQueryType(cloudwatch.MetricQueryType.Search)
      .metricEditorMode(cloudwatch.MetricEditorMode.Builder)
      .region(REGION_VARIABLE)
      .namespace(m.namespace)
      .metricName(m.metricName)
      .statistic(m.statistic)
      .dimensions(m.dimensions)
      .matchExact(true)
      .refId(refId(i))
      .id(m.id ?? `m${i}`);
    if (m.label !== undefined) target.label(m.label);
    if (m.hidden === true) target.hide(true);
    panel.withTarget(target);
  });
  expressions.forEach((e, i) => {
    panel.withTarget(
      new cloudwatch.MetricsQueryBuilder()
        .queryMode(cloudwatch.QueryMode.Metrics)
        .metricQueryType(cloudwatch.MetricQueryType.Search)
        .metricEditorMode(cloudwatch.MetricEditorMode.Code)
        .region(REGION_VARIABLE)
        .expression(e.expression)
        .label(e.label)
        .refId(refId(metrics.length + i))
        .id(`e${i}`),
    );
  });
  return panel;
}

/**
 * A full-width logs panel of one CloudWatch Logs Insights query over the log groups in `logGroupNames`
 * (values may be variables). Newest lines first, details expandable (the stack of an error line).
 */
export function cloudWatchLogsPanel(
  title: string,
  expression: string,
  logGroupNames: string[],
  description?: string,
) {
  const panel = new logs.PanelBuilder()
    .title(title)
    .datasource(DATASOURCES.cloudwatch)
    .height(10)
    .span(24)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .withTarget(
      new cloudwatch.LogsQueryBuilder()
        .queryMode(cloudwatch.QueryMode.Logs)
        .queryLanguage(cloudwatch.LogsQueryLanguage.CWLI)
        .region(REGION_VARIABLE)
        .logGroupNames(logGroupNames)
        .expression(expression)
        .id("logs")
        .refId("A"),
    );
  if (description !== undefined) panel.description(description);
  return panel;
}

export type Dashboard = dashboard.Dashboard;
