export { type AlertmanagerOptions, alertmanagerDefinition } from "./alertmanager.js";
export { backendDashboard, xrayTracesUrl } from "./backend-dashboard.js";
export { allDashboards, cloudWatchQueries, type PanelQuery, prometheusQueries } from "./catalog.js";
export {
  AWS_METRICS,
  EDGE_DIMENSION,
  EDGE_METRICS,
  EDGE_NAMESPACE,
  type EdgeMetric,
} from "./cloudwatch-names.js";
export { collectorsDashboard } from "./collectors-dashboard.js";
export { type DashboardContext, EXAMPLE_CONTEXT } from "./context.js";
export { describeVerdict, type QueryVerdict, resolveGrafanaVariables, verifyQueries } from "./contract.js";
export { DATASOURCES } from "./datasources.js";
export { edgeDashboard } from "./edge-dashboard.js";
export { logPipelineDashboard } from "./log-pipeline-dashboard.js";
export { BACKEND, JOBS, labelNames, metricNames, type PromQuery } from "./promql.js";
export {
  ALERTING_RULES,
  type AlertingRule,
  RECORDING_RULES,
  type RecordingRule,
  RULE_GROUPS,
  type RuleGroup,
  ruleExpressions,
  rulesYaml,
  SLO,
} from "./rules.js";
