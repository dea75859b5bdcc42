import {
  type CollectorConfig,
  checkEnvName,
  checkInterval,
  checkRemoteWriteInput,
  checkSetting,
  commonExtensions,
  fromEnv,
  memoryLimiter,
  type RemoteWriteInput,
  remoteWriteExporter,
  render,
  type Setting,
  selfTelemetry,
} from "./common.js";

/** One endpoint the scraper reads. */
export interface ScrapeTarget {
  job: string;
  /** `host:port`. */
  address: Setting;
  metricsPath?: string;
  scheme?: Setting;
  /** Environment variable holding the bearer token the endpoint requires (the backend's /metrics). */
  bearerTokenEnvVar?: string;
}

/** Inputs of the ECS Fargate collector: Prometheus scrapes in, Amazon Managed Prometheus out. */
export interface ScraperCollectorInput extends RemoteWriteInput {
  targets: ScrapeTarget[];
  /** How often each target is scraped ("30s" by default). */
  scrapeInterval?: Setting;
}

const JOB = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * The Fargate collector's configuration: it scrapes the backend's metrics endpoint (with its token) and its
 * own telemetry, and remote-writes them to AMP with SigV4. The backend's metrics take this path only, so
 * nothing reaches AMP twice.
 */
export function scraperCollectorConfig(input: ScraperCollectorInput): CollectorConfig {
  checkRemoteWriteInput(input);
  if (input.targets.length === 0) throw new Error("targets: the scraper needs at least one endpoint");
  const interval = input.scrapeInterval ?? "30s";
  checkInterval("scrapeInterval", interval);
  const scrapeConfigs = input.targets.map((target) => {
    if (!JOB.test(target.job))
      throw new Error(`target job "${target.job}" is not a valid Prometheus job name`);
    checkSetting(`target ${target.job}: address`, target.address, (v) => ADDRESS.test(v), "host:port");
    if (target.scheme !== undefined)
      checkSetting(
        `target ${target.job}: scheme`,
        target.scheme,
        (v) => v === "http" || v === "https",
        "http or https",
      );
    if (target.bearerTokenEnvVar !== undefined)
      checkEnvName(`target ${target.job}: bearerTokenEnvVar`, target.bearerTokenEnvVar);
    return {
      job_name: target.job,
      scrape_interval: render(interval),
      metrics_path: target.metricsPath ?? "/metrics",
      scheme: render(target.scheme ?? "http"),
      static_configs: [{ targets: [render(target.address)] }],
      ...(target.bearerTokenEnvVar === undefined
        ? {}
        : { authorization: { type: "Bearer", credentials: fromEnv(target.bearerTokenEnvVar) } }),
    };
  });
  const self = selfTelemetry(input, "telemetry-scraper", interval);
  return {
    extensions: commonExtensions(input),
    receivers: {
      prometheus: { config: { scrape_configs: scrapeConfigs } },
      "prometheus/self": self.receiver,
    },
    processors: {
      memory_limiter: memoryLimiter(input.memoryLimitMiB),
      batch: { send_batch_size: 1024, send_batch_max_size: 2048, timeout: "5s" },
    },
    exporters: { prometheusremotewrite: remoteWriteExporter(input) },
    service: {
      extensions: ["health_check", "sigv4auth"],
      telemetry: self.telemetry,
      pipelines: {
        metrics: {
          receivers: ["prometheus", "prometheus/self"],
          processors: ["memory_limiter", "batch"],
          exporters: ["prometheusremotewrite"],
        },
      },
    },
  };
}
