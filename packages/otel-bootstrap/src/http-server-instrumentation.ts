import { type IncomingMessage, Server, type ServerResponse } from "node:http";
import {
  type Attributes,
  context,
  type Histogram,
  type MeterProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
  ValueType,
} from "@opentelemetry/api";
import { type RPCMetadata, RPCType, setRPCMetadata } from "@opentelemetry/core";
import type { Instrumentation, InstrumentationConfig } from "@opentelemetry/instrumentation";

/** The scope name of the server spans and of `http.server.request.duration`. */
export const HTTP_SERVER_INSTRUMENTATION = "@trackgraph/otel-bootstrap/http-server";

/**
 * The stable semantic conventions' advised boundaries (seconds), as the upstream HTTP instrumentation
 * records them: the dashboards' `histogram_quantile` reads all of them and the latency SLO reads `le="1"`.
 */
export const SERVER_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

const KNOWN_METHODS = new Set([
  "CONNECT",
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "TRACE",
]);

export interface HttpServerInstrumentationConfig extends InstrumentationConfig {
  /** Paths (without the query string) that get no span and no metric, e.g. health checks and the scrape. */
  ignorePaths?: readonly string[];
}

type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

/** What a finished request contributes: the metric's attributes, and the span's when it is recorded. */
interface RequestRecord {
  req: IncomingMessage;
  res: ServerResponse;
  span: Span;
  metadata: RPCMetadata & { route?: string };
  method: string;
  startedAt: number;
  ended: boolean;
}

/**
 * Server spans and `http.server.request.duration` for `node:http` servers, doing per request only what
 * an unsampled request needs: the incoming context is extracted (so a sampled upstream trace is followed
 * and logs carry its ids), the sampler decides, and the request runs in the span's context. The span's
 * attributes are computed only when the span is recorded. The upstream HTTP instrumentation computes them
 * for every request and binds the request and response emitters to the context; a profile of the
 * backend put that at about 60% of the bootstrap's CPU time per request (see backend-otel's README). The
 * upstream instrumentation stays on for outgoing requests (the AWS SDK's calls).
 *
 * Works by wrapping `http.Server.prototype.emit`, which ES modules and CommonJS share, so no loader hook is
 * needed and a server created before `enable()` is instrumented too.
 */
export class HttpServerInstrumentation implements Instrumentation<HttpServerInstrumentationConfig> {
  readonly instrumentationName = HTTP_SERVER_INSTRUMENTATION;
  readonly instrumentationVersion = "1.0.0";
  private config: HttpServerInstrumentationConfig;
  private tracer: Tracer | undefined;
  private duration: Histogram | undefined;
  private original: Emit | undefined;

  constructor(config: HttpServerInstrumentationConfig = {}) {
    this.config = { ...config };
  }

  setTracerProvider(provider: TracerProvider): void {
    this.tracer = provider.getTracer(HTTP_SERVER_INSTRUMENTATION);
  }

  setMeterProvider(provider: MeterProvider): void {
    this.duration = provider
      .getMeter(HTTP_SERVER_INSTRUMENTATION)
      .createHistogram("http.server.request.duration", {
        description: "Duration of HTTP server requests.",
        unit: "s",
        valueType: ValueType.DOUBLE,
        advice: { explicitBucketBoundaries: SERVER_DURATION_BUCKETS },
      });
  }

  setConfig(config: HttpServerInstrumentationConfig): void {
    this.config = { ...config };
  }

  getConfig(): HttpServerInstrumentationConfig {
    return this.config;
  }

  enable(): void {
    if (this.original !== undefined) return;
    const original = Server.prototype.emit as Emit;
    this.original = original;
    const ignored = new Set(this.config.ignorePaths ?? []);
    const self = this;
    Server.prototype.emit = function emit(this: Server, event: string | symbol, ...args: unknown[]) {
      if (event !== "request") return original.call(this, event, ...args);
      const req = args[0] as IncomingMessage;
      if (ignored.has(pathOf(req.url))) return original.call(this, event, ...args);
      return self.handle(req, args[1] as ServerResponse, () => original.call(this, event, ...args));
    };
    this.config.enabled = true;
  }

  disable(): void {
    if (this.original === undefined) return;
    Server.prototype.emit = this.original;
    this.original = undefined;
    this.config.enabled = false;
  }

  private handle(req: IncomingMessage, res: ServerResponse, next: () => boolean): boolean {
    const tracer = this.tracer;
    if (tracer === undefined) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = KNOWN_METHODS.has(req.method ?? "") ? (req.method as string) : "_OTHER";
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) span.setAttributes(requestAttributes(req, method));
    const metadata: RPCMetadata = { type: RPCType.HTTP, span };
    const record: RequestRecord = {
      req,
      res,
      span,
      metadata,
      method,
      startedAt: performance.now(),
      ended: false,
    };
    res.once("close", () => this.finish(record, undefined));
    try {
      return context.with(setRPCMetadata(trace.setSpan(parent, span), metadata), next);
    } catch (error) {
      this.finish(record, error);
      throw error;
    }
  }

  /** Records the duration and ends the span, once, when the response closes or the handler throws. */
  private finish(record: RequestRecord, error: unknown): void {
    if (record.ended) return;
    record.ended = true;
    const seconds = (performance.now() - record.startedAt) / 1000;
    const status = record.res.statusCode;
    const route = record.metadata.route;
    const attributes: Attributes = {
      "http.request.method": record.method,
      "url.scheme": "http",
      "network.protocol.version": record.req.httpVersion,
      "http.response.status_code": status,
    };
    if (route !== undefined) attributes["http.route"] = route;
    if (error instanceof Error) attributes["error.type"] = error.name;
    else if (status >= 500) attributes["error.type"] = String(status);
    this.duration?.record(seconds, attributes);
    if (record.span.isRecording()) endSpan(record.span, attributes, record.method, error);
  }
}

/** Only a recorded span gets its response attributes, its name by route and its status. */
function endSpan(span: Span, attributes: Attributes, method: string, error: unknown): void {
  span.setAttributes(attributes);
  const route = attributes["http.route"];
  if (route !== undefined) span.updateName(`${method} ${route}`);
  if (error instanceof Error) span.recordException(error);
  const status = attributes["http.response.status_code"];
  if (error !== undefined || (typeof status === "number" && status >= 500))
    span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** The path of a request target, without its query string. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** Attributes only a recorded span carries (never the query string, which may hold a token). */
function requestAttributes(req: IncomingMessage, method: string): Attributes {
  const attributes: Attributes = {
    "http.request.method": method,
    "url.scheme": "http",
    "url.path": pathOf(req.url),
    "network.protocol.version": req.httpVersion,
  };
  if (method === "_OTHER" && req.method !== undefined)
    attributes["http.request.method_original"] = req.method;
  const host = req.headers.host;
  if (host !== undefined) attributes["server.address"] = host.replace(/:\d+$/, "");
  const agent = req.headers["user-agent"];
  if (agent !== undefined) attributes["user_agent.original"] = agent;
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) attributes["network.peer.address"] = peer;
  return attributes;
}
