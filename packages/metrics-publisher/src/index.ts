export { toEmfLines, writeEmf } from "./emf.js";
export { MetricValidationError, PublishError } from "./errors.js";
export { LIMITS } from "./limits.js";
export {
  MetricsPublisher,
  type MetricsPublisherOptions,
  type PublishOptions,
  type PublishPlan,
  type PublishResult,
} from "./publisher.js";
export type { Counter, Dimensions, Distribution, Gauge, Metric, StandardUnit } from "./types.js";
export { inWindow, partitionByWindow, type TimestampWindow, timestampWindow } from "./window.js";
