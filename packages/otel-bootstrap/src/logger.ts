import { createRequire } from "node:module";
import type { DestinationStream, Logger } from "pino";
import { type LogLevel, logLevel, onFlush } from "./log-correlation.js";

/**
 * Paths pino replaces with `[redacted]` in every line, whatever a caller passes: credentials at the top
 * level and in headers (of `req` and `res` too), and the query string (it may carry a listener's token:
 * log the route template and the path without it). Named paths only: a wildcard (`*.token`) makes pino
 * walk every field of every line: 60 to 70 µs a line in a hand-run comparison, against none for named paths.
 */
export const DEFAULT_REDACT_PATHS = [
  "authorization",
  "cookie",
  "token",
  "password",
  "secret",
  "query",
  "headers.authorization",
  "headers.cookie",
  "headers['set-cookie']",
  "headers['x-api-key']",
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-api-key']",
  "req.query",
  "res.headers['set-cookie']",
] as const;

export const REDACTED = "[redacted]";

type Pino = typeof import("pino").pino;
let loaded: Pino | undefined;

/**
 * pino, loaded on first use rather than when this package is imported: the pino instrumentation patches
 * pino only if it is loaded after telemetry started, and a service may import this package (for
 * startTelemetry) before it starts telemetry.
 */
function pinoModule(): Pino {
  loaded ??= (createRequire(import.meta.url)("pino") as { pino: Pino }).pino;
  return loaded;
}

export interface LoggerOptions {
  /** Lowest level written (default `info`); checked, a ConfigurationError names a bad one. */
  level?: string;
  /** `service` field of every line (default `OTEL_SERVICE_NAME`). */
  service?: string;
  /** `environment` field of every line, when set. */
  environment?: string;
  /** More paths to redact, in pino's `redact` syntax, on top of DEFAULT_REDACT_PATHS. */
  redact?: readonly string[];
  /**
   * Where lines go. Default: stdout through an asynchronous destination (writes leave the request path;
   * what is buffered is flushed on shutdown and at exit). Tests pass a stream of their own.
   */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line: ISO `time`, `level` as a name (CloudWatch filters read
 * `level = "error"`), `msg`, `service`, and inside a span (with the bootstrap's instrumentation enabled)
 * `trace_id`, `span_id`, `trace_flags` and `xray_trace_id`. Errors logged as `err` keep their stack.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level: LogLevel = logLevel("level", options.level);
  const pino = pinoModule();
  const destination = options.destination ?? stdoutDestination(pino);
  const base: Record<string, string> = {};
  const service = options.service ?? process.env.OTEL_SERVICE_NAME;
  if (service !== undefined && service !== "") base.service = service;
  if (options.environment !== undefined) base.environment = options.environment;
  return pino(
    {
      level,
      base,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redact ?? [])], censor: REDACTED },
    },
    destination,
  );
}

function stdoutDestination(pino: Pino): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false });
  onFlush(() => destination.flushSync());
  return destination;
}
