export {
  type AlarmQuery,
  type AlarmRule,
  type AlarmSpec,
  type AlarmTargets,
  AMP_DEFAULT_QUOTAS,
  type AmpQuotas,
  alarmDescription,
  type BackendTarget,
  type Comparison,
  type CompositeAlarmSpec,
  cloudWatchAlarms,
  EDGE_BURN_FAST,
  EDGE_BURN_SLOW,
  type EdgeBurnOptions,
  edgeBudgetBurnAlarms,
  edgeBurnWindowId,
  LOG_DELIVERY_LAG_SECONDS,
  type MetricAlarmSpec,
  type MetricStat,
  type MissingData,
  notifyingAlarms,
  renderRule,
  ruleAlarms,
} from "./alarms.js";
export {
  type AlertmanagerConfig,
  type AlertmanagerOptions,
  type AlertmanagerTimings,
  alertmanagerConfig,
  alertmanagerDefinition,
  alertmanagerYaml,
  ampRestrictionViolations,
  type InhibitRule,
  inhibitRules,
  type LocalSns,
  localAlertmanagerConfig,
} from "./alertmanager.js";
export { DOCUMENTED_AWS_METRICS, type DocumentedMetric, documentedMetric } from "./aws-metrics.js";
export {
  BACKEND_LOG_GROUP_VARIABLE,
  BACKEND_LOG_QUERIES,
  backendDashboard,
  defaultBackendLogGroup,
  xrayTracesUrl,
} from "./backend-dashboard.js";
export {
  allDashboards,
  athenaQueries,
  cloudWatchQueries,
  type PanelQuery,
  prometheusQueries,
} from "./catalog.js";
export {
  type AlertSource,
  CATALOGUE_BEGIN,
  CATALOGUE_END,
  COMPONENTS,
  type Component,
  catalogueAlerts,
  catalogueMarkdown,
  FAILURE_MODES,
  type FailureMode,
  markdownTable,
  withCatalogue,
} from "./catalogue.js";
export {
  AWS_METRICS,
  BACKEND_ERROR_LINE_PATTERN,
  BACKEND_ERROR_LINES_METRIC,
  BACKEND_LOG_NAMESPACE,
  EDGE_DIMENSION,
  EDGE_METRICS,
  EDGE_NAMESPACE,
  type EdgeMetric,
} from "./cloudwatch-names.js";
export { collectorsDashboard } from "./collectors-dashboard.js";
export { type DashboardContext, EXAMPLE_CONTEXT } from "./context.js";
export {
  describeVerdict,
  type LogFieldVerdict,
  type LogQuery,
  logQueries,
  logQueryFields,
  type QueryVerdict,
  resolveGrafanaVariables,
  verifyLogFields,
  verifyQueries,
} from "./contract.js";
export { DATASOURCES, linkedJsonData, TRACE_LOG_LINKS } from "./datasources.js";
export {
  type AthenaLogSettings,
  athenaJsonData,
  edgeDashboard,
  topFailingPathsSql,
} from "./edge-dashboard.js";
export {
  GRAFANA_AMP_ALERT,
  GRAFANA_CLOUDWATCH_ALERT,
  type GrafanaAlertOptions,
  type GrafanaRule,
  type GrafanaRuleGroupArgs,
  grafanaAlertNames,
  grafanaDatasourceAlerts,
} from "./grafana-alerts.js";
export { logPipelineDashboard } from "./log-pipeline-dashboard.js";
export { BACKEND, JOBS, labelNames, metricNames, type PromQuery } from "./promql.js";
export {
  ABSENT_WINDOW,
  ALERTING_RULES,
  type AlertingRule,
  type AlertLabels,
  alertingRules,
  alertRules,
  burnAlertName,
  RECORDING_RULES,
  type RecordingRule,
  RULE_GROUPS,
  type RuleGroup,
  type RuleOptions,
  type RuleTimings,
  RuleTimingsError,
  ruleExpressions,
  ruleGroups,
  rulesYaml,
  SLO_RECORDING_RULES,
} from "./rules.js";
export { DEFAULT_RUNBOOK_BASE, githubRunbookBase, RUNBOOK_DIR, runbookPath, runbookUrl } from "./runbooks.js";
export {
  BACKEND_SLOS,
  type BackendSlo,
  BURN_RATE_TIERS,
  BURN_WINDOWS,
  type BurnRateTier,
  type BurnWindow,
  burnThreshold,
  EDGE_SLO,
  errorBudget,
  LATENCY_THRESHOLD_SECONDS,
  type Severity,
  SLO_PERIOD_DAYS,
  sloRecord,
  windowSeconds,
} from "./slo.js";
