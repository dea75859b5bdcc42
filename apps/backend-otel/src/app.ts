import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { context } from "@opentelemetry/api";
import { getRPCMetadata, RPCType } from "@opentelemetry/core";
import { buildArtistGraph } from "./graph.js";
import type { Play } from "./history.js";
import { summarizePlays } from "./history.js";
import type { HistorySource } from "./history-source.js";
import { ERROR_MESSAGE, type Log, pathOf, routeOf, setRequestRoute } from "./request-log.js";

export interface AppOptions {
  source: HistorySource;
  metricsToken: string;
  /** Serves the Prometheus text format (the OpenTelemetry bootstrap's exporter, embedded). */
  metricsHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  cacheSeconds: number;
  now?: () => number;
  /** Runs before the history is read; throws to fail the request (the local plane's fault switch, fault.ts). */
  fault?: () => void;
  /** Where a failed request's error line goes (with its stack and, when traced, the trace ids). */
  log?: Log;
}

class BadRequest extends Error {}

type Query = URLSearchParams;
function intParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new BadRequest(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}
function onlyParams(query: Query, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name))
      throw new BadRequest(`unknown query parameter "${name}" (allowed: ${allowed.join(", ") || "none"})`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // Set one by one (not through writeHead) so the request log can read the length back.
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.setHeader("cache-control", "no-store");
  res.writeHead(status);
  res.end(text);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Names the route on the request's span, in the duration histogram (http.route) and in the request's log
 * line, never the raw path.
 */
function setRoute(req: IncomingMessage, route: string): void {
  setRequestRoute(req, route);
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/** The backend's request handler: health, summary, graph and the protected metrics route. */
export function createApp(options: AppOptions) {
  const now = options.now ?? Date.now;
  let cache: { at: number; plays: Promise<Play[]> } | undefined;
  const plays = (): Promise<Play[]> => {
    options.fault?.();
    if (cache === undefined || now() - cache.at >= options.cacheSeconds * 1000) {
      const loading = options.source.load();
      cache = { at: now(), plays: loading };
      // A failed load is not cached: the next request tries again.
      loading.catch(() => {
        if (cache?.plays === loading) cache = undefined;
      });
    }
    return cache.plays;
  };

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://backend");
    try {
      if (req.method !== "GET") {
        setRoute(req, "*");
        return send(res, 405, { error: `${req.method} is not allowed; this API is read-only` });
      }
      switch (url.pathname) {
        case "/healthz":
          setRoute(req, "/healthz");
          return send(res, 200, { status: "ok" });
        case "/summary": {
          setRoute(req, "/summary");
          onlyParams(url.searchParams, ["limit"]);
          const limit = intParam(url.searchParams, "limit", 10, 1, 100);
          return send(res, 200, summarizePlays(await plays(), limit));
        }
        case "/graph": {
          setRoute(req, "/graph");
          onlyParams(url.searchParams, ["limit", "minWeight", "sessionGapMinutes"]);
          const graph = buildArtistGraph(await plays(), {
            limit: intParam(url.searchParams, "limit", 50, 1, 500),
            minWeight: intParam(url.searchParams, "minWeight", 1, 1, 10_000),
            sessionGapMinutes: intParam(url.searchParams, "sessionGapMinutes", 30, 1, 1440),
          });
          return send(res, 200, graph);
        }
        case "/metrics":
          setRoute(req, "/metrics");
          if (!tokenMatches(req.headers.authorization, options.metricsToken)) {
            res.setHeader("www-authenticate", 'Bearer realm="metrics"');
            return send(res, 401, { error: "a bearer token is required" });
          }
          if (options.metricsHandler === undefined)
            return send(res, 404, { error: "metrics are not enabled" });
          return options.metricsHandler(req, res);
        default:
          setRoute(req, "*");
          return send(res, 404, { error: `no route ${url.pathname}` });
      }
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, { error: error.message });
      options.log?.error({ err: error, route: routeOf(req), path: pathOf(req) }, ERROR_MESSAGE);
      return send(res, 503, {
        error: "the listening history could not be read",
        cause: (error as Error).name,
      });
    }
  };
}
