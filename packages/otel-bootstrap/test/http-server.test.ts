import {
  createServer,
  Server as HttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { getRPCMetadata, RPCType } from "@opentelemetry/core";
import { type HistogramMetricData, MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  HttpServerInstrumentation,
  SERVER_DURATION_BUCKETS,
  startTelemetry,
  type Telemetry,
} from "../src/index.js";

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let telemetry: Telemetry | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.close();
  await telemetry?.shutdown();
  telemetry = undefined;
  server = undefined;
});

/** What the handler saw: the active trace id and whether its span was sampled. */
const seen: Array<{ traceId: string | undefined; sampled: boolean }> = [];

async function start(samplingRatio: string) {
  const exporter = new InMemorySpanExporter();
  const reader = new TestReader();
  telemetry = startTelemetry({
    env: {
      OTEL_SERVICE_NAME: "http-test",
      OTEL_TRACES_SAMPLER_ARG: samplingRatio,
      TRACKGRAPH_OTEL_PROMETHEUS_PORT: "off",
    },
    spanExporter: exporter,
    metricReaders: [reader],
    instrumentations: [new HttpServerInstrumentation({ ignorePaths: ["/healthz"] })],
  });
  seen.length = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const span = trace.getSpan(context.active());
    seen.push({ traceId: span?.spanContext().traceId, sampled: span?.isRecording() ?? false });
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP && req.url?.startsWith("/graph")) metadata.route = "/graph";
    res.statusCode = req.url?.startsWith("/fail") ? 503 : 200;
    res.end("ok");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, headers: Record<string, string> = {}) =>
    (await fetch(`${base}${path}`, { headers })).text();
  const spans = async () => {
    await telemetry?.tracerProvider.forceFlush();
    return exporter.getFinishedSpans();
  };
  const durations = async () => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === "http.server.request.duration") as HistogramMetricData | undefined;
    return metric?.dataPoints ?? [];
  };
  return { get, spans, durations };
}

/**
 * Waits for the server's "close" listeners, which run after the client has its body: until `ready` holds
 * (a loaded CI machine can take far longer than a fixed sleep), then a little more so that one span or
 * point too many would be seen.
 */
async function settle(ready: () => Promise<boolean> = async () => true): Promise<void> {
  await vi.waitFor(async () => expect(await ready()).toBe(true), { timeout: 5_000, interval: 10 });
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("HttpServerInstrumentation", () => {
  it("records a server span named by route, under the incoming trace, without the query string", async () => {
    const { get, spans } = await start("1");
    await get("/graph?limit=5&token=secret", {
      traceparent: "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
    });
    await settle(async () => (await spans()).length > 0);
    const [span] = await spans();
    expect(span?.name).toBe("GET /graph");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(span?.parentSpanContext?.spanId).toBe("53995c3f42cd8ad8");
    expect(span?.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/graph",
      "http.response.status_code": 200,
      "url.path": "/graph",
      "url.scheme": "http",
    });
    expect(JSON.stringify(span?.attributes)).not.toContain("secret");
    expect(seen).toEqual([{ traceId: "5759e988bd862e3fe1be46a994272793", sampled: true }]);
  });

  it("marks a 5xx answer as an error", async () => {
    const { get, spans, durations } = await start("1");
    await get("/fail");
    await settle(async () => (await spans()).length > 0 && (await durations()).length > 0);
    const [span] = await spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes["error.type"]).toBe("503");
    expect((await durations()).map((p) => p.attributes["http.response.status_code"])).toEqual([503]);
  });

  it("records no span for unsampled requests, but counts them and runs them in their trace's context", async () => {
    const { get, spans, durations } = await start("0");
    await get("/graph");
    await get("/graph");
    await settle(async () => (await durations())[0]?.value.count === 2);
    expect(await spans()).toEqual([]);
    // The handler still sees a trace id (its log lines carry it), in a span that is not recorded.
    expect(seen).toHaveLength(2);
    for (const request of seen)
      expect(request).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), sampled: false });
    const [point] = await durations();
    expect(point?.attributes).toEqual({
      "http.request.method": "GET",
      "url.scheme": "http",
      "network.protocol.version": "1.1",
      "http.response.status_code": 200,
      "http.route": "/graph",
    });
    expect(point?.value.count).toBe(2);
    expect(point?.value.buckets.boundaries).toEqual(SERVER_DURATION_BUCKETS);
  });

  it("leaves the ignored paths alone: no span, no metric, no context", async () => {
    const { get, spans, durations } = await start("1");
    await get("/healthz?probe=1");
    await settle();
    expect(await spans()).toEqual([]);
    expect(await durations()).toEqual([]);
    expect(seen).toEqual([{ traceId: undefined, sampled: false }]);
  });

  it("restores http.Server's emit when disabled", () => {
    const before = HttpServer.prototype.emit;
    const instrumentation = new HttpServerInstrumentation();
    instrumentation.enable();
    expect(HttpServer.prototype.emit).not.toBe(before);
    instrumentation.disable();
    expect(HttpServer.prototype.emit).toBe(before);
  });
});
