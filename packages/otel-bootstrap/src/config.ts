/** An OTEL_* or TRACKGRAPH_OTEL_* variable has a value that cannot be used. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

export interface TelemetryConfig {
  serviceName: string;
  serviceVersion: string | undefined;
  environment: string | undefined;
  /** Base URL of the OTLP/HTTP receiver; traces go to `<endpoint>/v1/traces`. */
  otlpEndpoint: string;
  otlpHeaders: Record<string, string>;
  /** Fraction of root traces sampled (parent-based: a sampled parent is always followed). */
  samplingRatio: number;
  /**
   * Port of the Prometheus scrape endpoint; "embedded" serves no port of its own (the service mounts
   * `telemetry.prometheus.getMetricsRequestHandler` on a route it protects); undefined turns it off.
   */
  prometheusPort: number | "embedded" | undefined;
  /** Spans kept in memory while the collector is unreachable; the rest are dropped and counted. */
  maxQueueSize: number;
  /** How long shutdown waits for the last export before it gives up (a stopping container has seconds). */
  shutdownTimeoutMillis: number;
  /**
   * Also push metrics over OTLP (`OTEL_METRICS_EXPORTER` includes `otlp`). Off by default: TrackGraph's
   * metrics take one path, scraped from the Prometheus endpoint, so nothing is ingested twice.
   */
  otlpMetrics: boolean;
  /** How often pushed metrics are exported (`OTEL_METRIC_EXPORT_INTERVAL`, ms). */
  metricExportIntervalMillis: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function ratio(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new ConfigurationError(`${name}="${value}": expected a number from 0 to 1`);
  }
  return parsed;
}

/** `TRACKGRAPH_OTEL_PROMETHEUS_PORT`: `off`, `embedded`, or a TCP port (default 9464). */
function prometheusPort(value: string | undefined): TelemetryConfig["prometheusPort"] {
  if (value === undefined || value === "") return 9464;
  if (value === "off") return undefined;
  if (value === "embedded") return "embedded";
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigurationError(
      `TRACKGRAPH_OTEL_PROMETHEUS_PORT="${value}": expected off, embedded, or a port from 1 to 65535`,
    );
  }
  return port;
}

function positiveInteger(
  name: string,
  value: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new ConfigurationError(`${name}="${value}": expected a positive whole number`);
  return Number(value);
}

/** `key1=value1,key2=value2` as the OpenTelemetry specification writes headers and resource attributes. */
function keyValueList(name: string, value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value.trim() === "") return out;
  for (const pair of value.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new ConfigurationError(`${name}: "${pair.trim()}" is not key=value`);
    out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}

/** `OTEL_METRICS_EXPORTER`: a comma list of otlp, prometheus, none. Prometheus is governed by our port setting. */
function metricExporters(value: string | undefined): string[] {
  const names = (value ?? "prometheus")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!["otlp", "prometheus", "none"].includes(name)) {
      throw new ConfigurationError(`OTEL_METRICS_EXPORTER: "${name}" is not otlp, prometheus or none`);
    }
  }
  return names;
}

/**
 * Reads the standard OTEL_* variables (service name, resource attributes, OTLP endpoint and headers,
 * sampler argument) and ours (TRACKGRAPH_OTEL_PROMETHEUS_PORT, TRACKGRAPH_OTEL_MAX_QUEUE_SIZE), with
 * production defaults. Throws a ConfigurationError naming the variable and the expected form.
 */
export function resolveTelemetryConfig(env: Env = process.env): TelemetryConfig {
  const resource = keyValueList("OTEL_RESOURCE_ATTRIBUTES", env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME ?? resource["service.name"];
  if (serviceName === undefined || serviceName === "") {
    throw new ConfigurationError(
      "OTEL_SERVICE_NAME is not set (nor service.name in OTEL_RESOURCE_ATTRIBUTES)",
    );
  }
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://localhost:4318";
  try {
    new URL(endpoint);
  } catch {
    throw new ConfigurationError(`OTEL_EXPORTER_OTLP_ENDPOINT="${endpoint}": expected an http(s) URL`);
  }
  const sampler = env.OTEL_TRACES_SAMPLER ?? "parentbased_traceidratio";
  const defaultRatio = sampler === "always_on" || sampler === "parentbased_always_on" ? 1 : 0.1;
  return {
    serviceName,
    serviceVersion: resource["service.version"] ?? env.npm_package_version,
    environment: resource["deployment.environment.name"] ?? resource["deployment.environment"],
    otlpEndpoint: endpoint.replace(/\/+$/, ""),
    otlpHeaders: {
      ...keyValueList("OTEL_EXPORTER_OTLP_HEADERS", env.OTEL_EXPORTER_OTLP_HEADERS),
      // A raw token, as App Runner and ECS inject a secret: the header form would need the secret's value
      // to hold "authorization=Bearer%20...".
      ...(env.TRACKGRAPH_OTEL_BEARER_TOKEN
        ? { authorization: `Bearer ${env.TRACKGRAPH_OTEL_BEARER_TOKEN}` }
        : {}),
    },
    samplingRatio: ratio("OTEL_TRACES_SAMPLER_ARG", env.OTEL_TRACES_SAMPLER_ARG, defaultRatio),
    prometheusPort: prometheusPort(env.TRACKGRAPH_OTEL_PROMETHEUS_PORT),
    maxQueueSize:
      positiveInteger("TRACKGRAPH_OTEL_MAX_QUEUE_SIZE", env.TRACKGRAPH_OTEL_MAX_QUEUE_SIZE, 2048) ?? 2048,
    shutdownTimeoutMillis:
      positiveInteger("TRACKGRAPH_OTEL_SHUTDOWN_TIMEOUT_MS", env.TRACKGRAPH_OTEL_SHUTDOWN_TIMEOUT_MS, 5000) ??
      5000,
    otlpMetrics: metricExporters(env.OTEL_METRICS_EXPORTER).includes("otlp"),
    metricExportIntervalMillis:
      positiveInteger("OTEL_METRIC_EXPORT_INTERVAL", env.OTEL_METRIC_EXPORT_INTERVAL, 60_000) ?? 60_000,
  };
}
