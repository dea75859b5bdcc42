export { collectorBinary, type RunningCollector, startCollector } from "./collector.js";
export { type LocalPlane, type LocalPlaneOptions, startLocalPlane } from "./plane.js";
export { findTrace, tracesBetween, type XRaySegment, type XRayTrace } from "./xray.js";
