import { AsyncResource } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

/** What the backend needs of a logger (pino's, from `createLogger` of the bootstrap, fits). */
export interface Log {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The fields of a request line (besides the bootstrap's LOG_FIELDS: time, level, msg, trace ids). The
 * dashboards' log queries read these names; a test holds them to what a real request writes.
 */
export const REQUEST_LOG_FIELDS = ["method", "route", "path", "status", "duration_ms", "bytes"] as const;
/**
 * Set (true) only on the line of a request whose connection closed before its response was complete (the
 * client gave up, a proxy timed out): its `status` is the one sent, or none when no header went out.
 */
export const ABORTED_FIELD = "aborted";
/** The message of every request line and of every error line, for queries and metric filters. */
export const REQUEST_MESSAGE = "request";
export const ERROR_MESSAGE = "request failed";

const routes = new WeakMap<IncomingMessage, string>();

/** Records the route template a request matched (`/graph`, never the raw path or its query). */
export function setRequestRoute(req: IncomingMessage, route: string): void {
  routes.set(req, route);
}

/** The route template `setRequestRoute` recorded, or `*` when none matched. */
export function routeOf(req: IncomingMessage): string {
  return routes.get(req) ?? "*";
}

/** The path without its query string: a query may carry a listener's token, so it is never logged. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const at = url.indexOf("?");
  return at === -1 ? url : url.slice(0, at);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface RequestLogOptions {
  log: Log;
  /** Share of requests logged, 0 to 1; 0 returns the handler unchanged (no cost at all). */
  sampleRatio: number;
  random?: () => number;
  /** Routes that write no request line (health checks and scrapes: frequent, and not traced either). */
  quietRoutes?: readonly string[];
}

/**
 * Wraps a handler so each sampled request writes one line when its response is done: method, route
 * template, path without query, status, duration in ms and the response's bytes (its Content-Length).
 * "Done" is the response's `close`, not `finish`, so a request whose client went away still writes its
 * line, marked `aborted`. No header is logged. The line is written in the request's context, so it
 * carries the request's trace.
 */
export function withRequestLog(handle: Handler, options: RequestLogOptions): Handler {
  if (options.sampleRatio <= 0) return handle;
  const random = options.random ?? Math.random;
  const quiet = new Set(options.quietRoutes);
  return (req, res) => {
    // The common quiet request costs nothing more; the route check below catches other spellings of it.
    if (quiet.has(pathOf(req))) return handle(req, res);
    if (options.sampleRatio < 1 && random() >= options.sampleRatio) return handle(req, res);
    const start = performance.now();
    // Bound to the request's context: an aborted request's close comes from its socket, outside it, and
    // the line would lose its trace ids.
    res.once(
      "close",
      AsyncResource.bind(() => {
        const route = routeOf(req);
        if (quiet.has(route)) return;
        const length = res.getHeader("content-length");
        options.log.info(
          {
            method: req.method,
            route,
            path: pathOf(req),
            // Before the headers went out the client saw no status: none is logged.
            status: res.headersSent ? res.statusCode : undefined,
            duration_ms: Math.round((performance.now() - start) * 100) / 100,
            bytes: length === undefined ? undefined : Number(length),
            [ABORTED_FIELD]: res.writableFinished ? undefined : true,
          },
          REQUEST_MESSAGE,
        );
      }),
    );
    return handle(req, res);
  };
}
