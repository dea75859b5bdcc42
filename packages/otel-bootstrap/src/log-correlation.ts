import type { Span } from "@opentelemetry/api";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { ConfigurationError } from "./config.js";

/**
 * This module must not import pino: `register` loads it before the service, and pino has to be loaded
 * after the pino instrumentation is enabled for its loggers to be patched.
 */

/** Names of the fields the pino instrumentation writes from the active span context. */
export const TRACE_LOG_KEYS = { traceId: "trace_id", spanId: "span_id", traceFlags: "trace_flags" } as const;

/** The trace id in X-Ray's form (`1-<8 hex>-<24 hex>`), which CloudWatch and X-Ray join on. */
export const XRAY_TRACE_ID_KEY = "xray_trace_id";

/**
 * Every field a log line of `createLogger` can carry besides the caller's own: the dashboards' queries
 * and the infra's metric filters may rely on these names. `err` holds `type`, `message` and `stack`.
 */
export const LOG_FIELDS = [
  "time",
  "level",
  "msg",
  "service",
  "environment",
  TRACE_LOG_KEYS.traceId,
  TRACE_LOG_KEYS.spanId,
  TRACE_LOG_KEYS.traceFlags,
  XRAY_TRACE_ID_KEY,
  "err",
] as const;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A level name from configuration; a ConfigurationError naming `where` otherwise. */
export function logLevel(where: string, value: string | undefined, fallback: LogLevel = "info"): LogLevel {
  if (value === undefined || value === "") return fallback;
  const level = LOG_LEVELS.find((l) => l === value);
  if (level === undefined)
    throw new ConfigurationError(`${where}="${value}": expected one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

/** `5759e988bd862e3fe1be46a994272793` -> `1-5759e988-bd862e3fe1be46a994272793`; undefined if not 32 hex. */
export function xrayTraceId(traceId: string): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/** The pino instrumentation's hook: adds the X-Ray form of the trace id beside the W3C one it injects. */
export function addXrayTraceId(span: Span, record: Record<string, unknown>): void {
  const id = xrayTraceId(span.spanContext().traceId);
  if (id !== undefined) record[XRAY_TRACE_ID_KEY] = id;
}

/**
 * The pino instrumentation as the bootstrap enables it: trace and span ids in every line written inside a
 * span, plus the X-Ray trace id. Log sending to an OpenTelemetry logs SDK is off: the lines go to stdout,
 * which the platform ships to CloudWatch Logs, so shipping them over OTLP too would store them twice.
 */
export function pinoInstrumentation(): PinoInstrumentation {
  return new PinoInstrumentation({
    disableLogSending: true,
    logKeys: { ...TRACE_LOG_KEYS },
    logHook: addXrayTraceId,
  });
}

const flushers = new Set<() => void>();

/** Registers a destination's synchronous flush, run by `flushLogs` (shutdown) and at process exit. */
export function onFlush(flush: () => void): () => void {
  if (flushers.size === 0) process.once("exit", flushLogs);
  flushers.add(flush);
  return () => flushers.delete(flush);
}

/** Writes out what asynchronous log destinations still buffer (a stopping container loses nothing). */
export function flushLogs(): void {
  for (const flush of flushers) {
    try {
      flush();
    } catch {
      // A destination not yet open or already closed has nothing of ours to write.
    }
  }
}
