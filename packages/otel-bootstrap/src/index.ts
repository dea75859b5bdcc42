export { ConfigurationError, resolveTelemetryConfig, type TelemetryConfig } from "./config.js";
export {
  HttpServerInstrumentation,
  type HttpServerInstrumentationConfig,
  SERVER_DURATION_BUCKETS,
} from "./http-server-instrumentation.js";
export {
  flushLogs,
  LOG_FIELDS,
  type LogLevel,
  logLevel,
  pinoInstrumentation,
  XRAY_TRACE_ID_KEY,
  xrayTraceId,
} from "./log-correlation.js";
export { createLogger, DEFAULT_REDACT_PATHS, type LoggerOptions, REDACTED } from "./logger.js";
export type { SpanStats } from "./span-accounting.js";
export {
  activeTelemetry,
  startTelemetry,
  type Telemetry,
  type TelemetryOptions,
  UNTRACED_PATHS,
} from "./telemetry.js";
