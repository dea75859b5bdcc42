import { DATASOURCES } from "./datasources.js";
import { DEFAULT_RUNBOOK_BASE, runbookUrl } from "./runbooks.js";

/**
 * Grafana-managed alert rules on Grafana's own data sources. Nothing outside Grafana sees a data source
 * break (its workspace role loses a permission, SigV4 settings change): the dashboards just go blank. A
 * rule that queries the data source and fires on a query *error* is the signal. Shaped as the Grafana
 * Terraform provider's `grafana_rule_group` arguments, for the dashboards stack to provision; its
 * notifications take the workspace's notification policy (the SNS contact point, the tickets topic).
 */
export interface GrafanaRuleGroupArgs {
  name: string;
  folder_uid: string;
  interval_seconds: number;
  rule: GrafanaRule[];
}

export interface GrafanaRule {
  name: string;
  condition: string;
  for: string;
  no_data_state: "OK" | "NoData" | "Alerting";
  exec_err_state: "OK" | "Error" | "Alerting";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Array<{
    ref_id: string;
    datasource_uid: string;
    relative_time_range: { from: number; to: number };
    /** JSON, as the provider takes it. */
    model: string;
  }>;
}

export interface GrafanaAlertOptions {
  folderUid: string;
  region: string;
  /** A metric that exists in every stack: the log parser's invocations (no data is fine, an error is not). */
  logParserFunction: string;
  runbookBaseUrl?: string;
}

export const GRAFANA_AMP_ALERT = "GrafanaPrometheusDatasourceFailing";
export const GRAFANA_CLOUDWATCH_ALERT = "GrafanaCloudWatchDatasourceFailing";

/** Grafana's server-side expression "data source". */
const EXPRESSION = "__expr__";

function rule(
  name: string,
  summary: string,
  query: { datasource_uid: string; model: Record<string, unknown> },
  noData: GrafanaRule["no_data_state"],
  runbooks: string,
): GrafanaRule {
  return {
    name,
    // A condition that never holds on data: the rule fires only on a query error (or, for AMP, no data).
    condition: "B",
    for: "10m",
    no_data_state: noData,
    exec_err_state: "Alerting",
    labels: { severity: "ticket" },
    annotations: { summary, runbook_url: runbookUrl(name, runbooks) },
    data: [
      {
        ref_id: "A",
        datasource_uid: query.datasource_uid,
        relative_time_range: { from: 600, to: 0 },
        model: JSON.stringify({ refId: "A", ...query.model }),
      },
      {
        ref_id: "B",
        datasource_uid: EXPRESSION,
        relative_time_range: { from: 0, to: 0 },
        model: JSON.stringify({
          refId: "B",
          type: "classic_conditions",
          datasource: { type: "__expr__", uid: EXPRESSION },
          conditions: [
            {
              type: "query",
              query: { params: ["A"] },
              reducer: { type: "last", params: [] },
              evaluator: { type: "lt", params: [-1] },
              operator: { type: "and" },
            },
          ],
        }),
      },
    ],
  };
}

/** The rule group: one rule per data source the dashboards read metrics from. */
export function grafanaDatasourceAlerts(options: GrafanaAlertOptions): GrafanaRuleGroupArgs {
  const runbooks = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE;
  return {
    name: "trackgraph-datasources",
    folder_uid: options.folderUid,
    interval_seconds: 60,
    rule: [
      rule(
        GRAFANA_AMP_ALERT,
        "Grafana cannot query Amazon Managed Prometheus: the backend and collector dashboards are blank.",
        {
          datasource_uid: DATASOURCES.prometheus.uid,
          // Answers 1 from any working Prometheus, whatever it stores: no data is a broken data source too.
          model: { expr: "vector(1)", instant: true, range: false },
        },
        "Alerting",
        runbooks,
      ),
      rule(
        GRAFANA_CLOUDWATCH_ALERT,
        "Grafana cannot query CloudWatch: the edge and log-pipeline dashboards are blank.",
        {
          datasource_uid: DATASOURCES.cloudwatch.uid,
          model: {
            queryMode: "Metrics",
            metricQueryType: 0,
            metricEditorMode: 0,
            region: options.region,
            namespace: "AWS/Lambda",
            metricName: "Invocations",
            dimensions: { FunctionName: options.logParserFunction },
            statistic: "Sum",
            period: "300",
          },
        },
        // A quiet function has no invocations to return: only an error means the data source is broken.
        "OK",
        runbooks,
      ),
    ],
  };
}

/** The alert names the rule group defines. */
export function grafanaAlertNames(): string[] {
  return [GRAFANA_AMP_ALERT, GRAFANA_CLOUDWATCH_ALERT];
}
