export { ConfigurationError, resolveTelemetryConfig, type TelemetryConfig } from "./config.js";
export type { SpanStats } from "./span-accounting.js";
export { activeTelemetry, startTelemetry, type Telemetry, type TelemetryOptions } from "./telemetry.js";
