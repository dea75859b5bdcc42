export {
  ALERT_TOPICS,
  AlertInbox,
  AlertTimeout,
  FAST_ALERTMANAGER_TIMINGS,
  FAST_RULE_TIMINGS,
  type PlaneAlertingChoice,
  planeAlerting,
  runbookOf,
  subjectAlert,
} from "./alerting.js";
export { type AwsTargetOptions, awsTarget } from "./aws.js";
export {
  checkBrokenComponentPages,
  DOWNSTREAM_SETTLE_MS,
  heldAlert,
  waitForQuiet,
} from "./checks/alerting.js";
export { backendPanelQueries, checkDashboards, type DashboardCheckOptions } from "./checks/dashboards.js";
export { checkEdge } from "./checks/edge.js";
export { checkTraces } from "./checks/traces.js";
export { syntheticLog } from "./cloudfront-log.js";
export { defaultLambdaBundle, type LocalTarget, type LocalTargetOptions, startLocalTarget } from "./local.js";
export { CheckFailed, type CheckResult, formatReport } from "./report.js";
export type { ValidationTarget } from "./target.js";
export { runValidation, type ValidationOptions } from "./validate.js";
