import { type Attributes, metrics, propagation, trace } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { AWSXRayIdGenerator } from "@opentelemetry/id-generator-aws-xray";
import { type Instrumentation, registerInstrumentations } from "@opentelemetry/instrumentation";
import { AwsInstrumentation } from "@opentelemetry/instrumentation-aws-sdk";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { RuntimeNodeInstrumentation } from "@opentelemetry/instrumentation-runtime-node";
import { AWSXRayPropagator } from "@opentelemetry/propagator-aws-xray";
import { awsEcsDetector } from "@opentelemetry/resource-detector-aws";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { resolveTelemetryConfig, type TelemetryConfig } from "./config.js";
import { HttpServerInstrumentation } from "./http-server-instrumentation.js";
import { flushLogs, pinoInstrumentation } from "./log-correlation.js";
import { SpanAccounting, type SpanStats } from "./span-accounting.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface TelemetryOptions {
  /** Where settings come from (default process.env); see resolveTelemetryConfig. */
  env?: Env;
  /** Overrides of the resolved settings. */
  config?: Partial<TelemetryConfig>;
  /** Replaces the OTLP exporter (tests use an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
  /** More metric readers besides the Prometheus endpoint (tests use an in-memory reader). */
  metricReaders?: MetricReader[];
  /** Replaces the default instrumentations (HTTP, AWS SDK, Node runtime, pino log correlation). */
  instrumentations?: Instrumentation[];
}

export interface Telemetry {
  config: TelemetryConfig;
  tracerProvider: NodeTracerProvider;
  meterProvider: MeterProvider;
  /** The Prometheus scrape endpoint, when enabled (`http://host:<port>/metrics`). */
  prometheus: PrometheusExporter | undefined;
  /** Spans ended, exported, waiting, dropped at a full queue, and lost in failed exports. */
  spanStats(): SpanStats;
  /** Flushes queued spans, metrics and buffered log lines, then stops. Safe to call more than once. */
  shutdown(): Promise<void>;
}

/** Health checks and scrapes: frequent, and no one's request. No span, no metric point, no context. */
export const UNTRACED_PATHS: readonly string[] = ["/healthz", "/metrics"];

/**
 * Starts OpenTelemetry for a Node service on AWS: traces over OTLP/HTTP with X-Ray trace ids and the X-Ray
 * propagator (W3C trace context kept), parent-based ratio sampling, a bounded span queue whose drops are
 * counted, HTTP server RED metrics and runtime metrics on a Prometheus endpoint, and resource attributes
 * from the environment and (on ECS) the task metadata. Call it before the service loads the modules it
 * instruments (`node --import @trackgraph/otel-bootstrap/register`).
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const config: TelemetryConfig = {
    ...resolveTelemetryConfig(options.env ?? process.env),
    ...options.config,
  };
  const attributes: Attributes = { "service.name": config.serviceName };
  if (config.serviceVersion !== undefined) attributes["service.version"] = config.serviceVersion;
  if (config.environment !== undefined) attributes["deployment.environment.name"] = config.environment;
  // The ECS detector reads the task metadata endpoint only when ECS sets its variable: no network elsewhere.
  const resource = detectResources({ detectors: [envDetector, awsEcsDetector] }).merge(
    resourceFromAttributes(attributes),
  );

  const accounting = new SpanAccounting(config.maxQueueSize);
  const exporter =
    options.spanExporter ??
    new OTLPTraceExporter({
      url: `${config.otlpEndpoint}/v1/traces`,
      headers: config.otlpHeaders,
      timeoutMillis: 10_000,
    });
  const tracerProvider = new NodeTracerProvider({
    resource,
    idGenerator: new AWSXRayIdGenerator(),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplingRatio) }),
    spanProcessors: [
      accounting.processor(
        new BatchSpanProcessor(accounting.exporter(exporter), {
          maxQueueSize: config.maxQueueSize,
          maxExportBatchSize: Math.min(512, config.maxQueueSize),
          scheduledDelayMillis: 1000,
          exportTimeoutMillis: 15_000,
        }),
      ),
    ],
  });
  tracerProvider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new AWSXRayPropagator()],
    }),
  });

  const prometheus =
    config.prometheusPort === undefined
      ? undefined
      : config.prometheusPort === "embedded"
        ? new PrometheusExporter({ preventServerStart: true })
        : new PrometheusExporter({ port: config.prometheusPort, host: "0.0.0.0" });
  const pushed = config.otlpMetrics
    ? [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({
            url: `${config.otlpEndpoint}/v1/metrics`,
            headers: config.otlpHeaders,
          }),
          exportIntervalMillis: config.metricExportIntervalMillis,
          exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMillis),
        }),
      ]
    : [];
  const meterProvider = new MeterProvider({
    resource,
    readers: [...(prometheus ? [prometheus] : []), ...pushed, ...(options.metricReaders ?? [])],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  const meter = meterProvider.getMeter("@trackgraph/otel-bootstrap");
  meter
    .createObservableCounter("trackgraph.otel.spans.dropped", {
      description: "Spans dropped because the export queue was full",
    })
    .addCallback((result) => result.observe(accounting.stats.dropped));
  meter
    .createObservableCounter("trackgraph.otel.spans.export_failed", {
      description: "Spans the exporter could not deliver",
    })
    .addCallback((result) => result.observe(accounting.stats.failed));
  meter
    .createObservableGauge("trackgraph.otel.spans.queued", {
      description: "Spans waiting in the export queue",
    })
    .addCallback((result) => result.observe(accounting.stats.queued));

  const unregister = registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: options.instrumentations ?? [
      new HttpServerInstrumentation({ ignorePaths: UNTRACED_PATHS }),
      // Outgoing requests only (the AWS SDK's): the lean instrumentation above handles the server side.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new AwsInstrumentation({ suppressInternalInstrumentation: true }),
      new RuntimeNodeInstrumentation(),
      pinoInstrumentation(),
    ],
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      unregister();
      // Bounded: a collector that does not answer must not keep a stopping container alive.
      const deadline = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownTimeoutMillis).unref(),
      );
      await Promise.race([
        Promise.allSettled([tracerProvider.forceFlush()]).then(() =>
          Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]),
        ),
        deadline,
      ]);
      // Last, so lines written while the exports finished are out before the process stops.
      flushLogs();
      trace.disable();
      metrics.disable();
      propagation.disable();
    })();
    return stopping;
  };
  const telemetry: Telemetry = {
    config,
    tracerProvider,
    meterProvider,
    prometheus,
    spanStats: () => ({ ...accounting.stats }),
    shutdown,
  };
  active = telemetry;
  return telemetry;
}

let active: Telemetry | undefined;

/** The telemetry this process started (through `register` or startTelemetry), for services that serve /metrics themselves. */
export function activeTelemetry(): Telemetry | undefined {
  return active;
}
