import {
  type CollectorConfig,
  checkEnvName,
  checkRemoteWriteInput,
  commonExtensions,
  fromEnv,
  memoryLimiter,
  type RemoteWriteInput,
  remoteWriteExporter,
} from "./common.js";

/** One endpoint the scraper reads. */
export interface ScrapeTarget {
  job: string;
  /** `host:port`. */
  address: string;
  metricsPath?: string;
  scheme?: "http" | "https";
  /** Environment variable holding the bearer token the endpoint requires (the backend's /metrics). */
  bearerTokenEnvVar?: string;
}

/** Inputs of the ECS Fargate collector: Prometheus scrapes in, Amazon Managed Prometheus out. */
export interface ScraperCollectorInput extends RemoteWriteInput {
  targets: ScrapeTarget[];
  scrapeIntervalSeconds?: number;
}

const JOB = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * The Fargate collector's configuration: it scrapes the backend's metrics endpoint (with its token) and the
 * proxy collector's own telemetry, and remote-writes both to AMP with SigV4. Metrics take this path only,
 * so nothing reaches AMP twice.
 */
export function scraperCollectorConfig(input: ScraperCollectorInput): CollectorConfig {
  checkRemoteWriteInput(input);
  if (input.targets.length === 0) throw new Error("targets: the scraper needs at least one endpoint");
  const interval = input.scrapeIntervalSeconds ?? 30;
  if (!Number.isInteger(interval) || interval < 5)
    throw new Error(`scrapeIntervalSeconds ${interval} must be 5 or more`);
  const scrapeConfigs = input.targets.map((target) => {
    if (!JOB.test(target.job))
      throw new Error(`target job "${target.job}" is not a valid Prometheus job name`);
    if (!ADDRESS.test(target.address))
      throw new Error(`target ${target.job}: address "${target.address}" is not host:port`);
    if (target.bearerTokenEnvVar !== undefined)
      checkEnvName(`target ${target.job}: bearerTokenEnvVar`, target.bearerTokenEnvVar);
    return {
      job_name: target.job,
      scrape_interval: `${interval}s`,
      metrics_path: target.metricsPath ?? "/metrics",
      scheme: target.scheme ?? "http",
      static_configs: [{ targets: [target.address] }],
      ...(target.bearerTokenEnvVar === undefined
        ? {}
        : { authorization: { type: "Bearer", credentials: fromEnv(target.bearerTokenEnvVar) } }),
    };
  });
  return {
    extensions: commonExtensions(input),
    receivers: { prometheus: { config: { scrape_configs: scrapeConfigs } } },
    processors: {
      memory_limiter: memoryLimiter(input.memoryLimitMiB),
      batch: { send_batch_size: 1024, send_batch_max_size: 2048, timeout: "10s" },
    },
    exporters: { prometheusremotewrite: remoteWriteExporter(input) },
    service: {
      extensions: ["health_check", "sigv4auth"],
      pipelines: {
        metrics: {
          receivers: ["prometheus"],
          processors: ["memory_limiter", "batch"],
          exporters: ["prometheusremotewrite"],
        },
      },
    },
  };
}
