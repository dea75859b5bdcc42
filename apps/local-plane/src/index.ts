export type {
  AlertMessage,
  AlertSns,
  PlaneAlerting,
  PlaneAlertingOptions,
} from "./alerting.js";
export { type BackendLogLine, backendLogLines, logLinesOfTrace, parseLogLines } from "./backend-logs.js";
export { collectorBinary, type RunningCollector, startCollector } from "./collector.js";
export { type LocalPlane, type LocalPlaneOptions, type PlaneFaults, startLocalPlane } from "./plane.js";
export { servePlane } from "./serve.js";
export { findTrace, tracesBetween, type XRaySegment, type XRayTrace } from "./xray.js";
