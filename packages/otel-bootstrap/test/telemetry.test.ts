import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { context, propagation, trace } from "@opentelemetry/api";
import { getRPCMetadata, RPCType } from "@opentelemetry/core";
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { HttpServerInstrumentation, startTelemetry, type Telemetry } from "../src/index.js";

const env = {
  OTEL_SERVICE_NAME: "trackgraph-test",
  OTEL_TRACES_SAMPLER_ARG: "1",
  TRACKGRAPH_OTEL_PROMETHEUS_PORT: "off",
};
let telemetry: Telemetry | undefined;
/** A port nothing listens on now (the exporter binds it itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
});

describe("traces", () => {
  it("uses X-Ray's time-based trace ids", async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ env, spanExporter: exporter, instrumentations: [] });
    const span = trace.getTracer("test").startSpan("work");
    span.end();
    const epochSeconds = Number.parseInt(span.spanContext().traceId.slice(0, 8), 16);
    expect(Math.abs(epochSeconds - Date.now() / 1000)).toBeLessThan(60);
  });

  it("reads and writes X-Amzn-Trace-Id beside W3C traceparent", async () => {
    telemetry = startTelemetry({ env, spanExporter: new InMemorySpanExporter(), instrumentations: [] });
    const incoming = {
      "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    };
    const parent = propagation.extract(context.active(), incoming);
    const span = trace.getTracer("test").startSpan("child", {}, parent);
    expect(span.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    const outgoing: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), outgoing);
    expect(outgoing["x-amzn-trace-id"]).toBe(
      `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${span.spanContext().spanId};Sampled=1`,
    );
    expect(outgoing.traceparent).toBe(`00-5759e988bd862e3fe1be46a994272793-${span.spanContext().spanId}-01`);
    span.end();
  });

  it("follows a sampled parent even when the ratio samples no new root", async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({
      env: { ...env, OTEL_TRACES_SAMPLER_ARG: "0" },
      spanExporter: exporter,
      instrumentations: [],
    });
    trace.getTracer("test").startSpan("root").end();
    const parent = propagation.extract(context.active(), {
      traceparent: "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
    });
    trace.getTracer("test").startSpan("child", {}, parent).end();
    await telemetry.tracerProvider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["child"]);
  });

  it("flushes queued spans on shutdown", async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ env, spanExporter: exporter, instrumentations: [] });
    for (let i = 0; i < 3; i++) trace.getTracer("test").startSpan(`s${i}`).end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const spans: ReadableSpan[] = [];
    const original = exporter.export.bind(exporter);
    exporter.export = (batch, done) => {
      spans.push(...batch);
      original(batch, done);
    };
    await telemetry.shutdown();
    expect(spans.map((s) => s.name)).toEqual(["s0", "s1", "s2"]);
  });

  it("drops and counts spans beyond the queue while the collector does not answer, without growing", async () => {
    const stuck: SpanExporter = { export: () => {}, shutdown: async () => {} };
    telemetry = startTelemetry({
      env,
      config: { maxQueueSize: 5, shutdownTimeoutMillis: 300 },
      spanExporter: stuck,
      instrumentations: [],
    });
    for (let i = 0; i < 20; i++) trace.getTracer("test").startSpan(`s${i}`).end();
    // The first five go to the exporter (one batch, never answered); five wait; ten are dropped.
    expect(telemetry.spanStats()).toEqual({ ended: 20, exported: 0, dropped: 10, failed: 0, queued: 5 });
    // Shutdown does not wait for a collector that never answers: its 300 ms bound ends it, long before a
    // 10 s timer (a wall-clock bound would fail on a loaded machine; this one only if shutdown hangs).
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("still waiting after 10 s"), 10_000);
    });
    const first = await Promise.race([telemetry.shutdown().then(() => "shut down"), hung]);
    clearTimeout(timer);
    expect(first).toBe("shut down");
  });
});

describe("metrics pushed over OTLP", () => {
  it("are exported to <endpoint>/v1/metrics when OTEL_METRICS_EXPORTER includes otlp", async () => {
    const bodies: Array<{ path: string; body: string }> = [];
    const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c;
      });
      req.on("end", () => {
        bodies.push({ path: req.url ?? "", body });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    telemetry = startTelemetry({
      env: { ...env, OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      spanExporter: new InMemorySpanExporter(),
      instrumentations: [],
    });
    telemetry.meterProvider.getMeter("test").createCounter("trackgraph.test.pushed").add(3);
    await telemetry.meterProvider.forceFlush();
    // Shut down while the receiver still answers: closed first, the final export would wait out the
    // whole shutdown timeout in afterEach.
    await telemetry.shutdown();
    telemetry = undefined;
    receiver.close();
    const pushed = bodies.filter((b) => b.path === "/v1/metrics");
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed.map((b) => b.body).join("")).toContain("trackgraph.test.pushed");
  });
});

describe("HTTP server metrics", () => {
  it("serves the request duration histogram by route on the Prometheus endpoint, never by raw path", async () => {
    const metricsPort = await freePort();
    telemetry = startTelemetry({
      env: { ...env, TRACKGRAPH_OTEL_PROMETHEUS_PORT: String(metricsPort) },
      spanExporter: new InMemorySpanExporter(),
      instrumentations: [new HttpServerInstrumentation()],
    });
    // Loaded after the instrumentation is registered, as `--import register` guarantees in a service.
    const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");
    const server = http.createServer((req, res) => {
      const metadata = getRPCMetadata(context.active());
      if (metadata?.type === RPCType.HTTP)
        metadata.route = (req.url ?? "").startsWith("/artists/") ? "/artists/:id" : "/graph";
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    for (const path of ["/graph?limit=5", "/artists/nils-frahm", "/artists/hania-rani"])
      await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    server.close();
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counts = scrape.split("\n").filter((l) => l.startsWith("http_server_request_duration_count"));
    expect(counts).toHaveLength(2);
    expect(counts.find((l) => l.includes('http_route="/artists/:id"'))).toMatch(/ 2$/);
    expect(counts.find((l) => l.includes('http_route="/graph"'))).toMatch(/ 1$/);
    expect(scrape).not.toMatch(/nils-frahm|limit=5/);
    expect(scrape).toContain("trackgraph_otel_spans_dropped");
  });
});
