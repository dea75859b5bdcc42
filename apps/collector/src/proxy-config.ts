/** Inputs of the App Runner-hosted telemetry proxy: OTLP/HTTP in, X-Ray and Amazon Managed Prometheus out. */
export interface ProxyCollectorInput {
  region: string;
  /** AMP remote-write URL: `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/remote_write`. */
  remoteWriteUrl: string;
  /** Environment variable the bearer token is read from (App Runner fills it from Secrets Manager). */
  tokenEnvVar: string;
  /** Memory the collector may use before it refuses data, in MiB; sized below the instance's memory. */
  memoryLimitMiB: number;
  /** Batches kept in the exporters' sending queues while a backend is unreachable. */
  queueSize: number;
  listenPort?: number;
  healthPort?: number;
}

const endpointPattern = /^https?:\/\/[^\s/]+(\/\S*)?$/;

/** A collector configuration as the collector reads it (it becomes YAML). */
export type CollectorConfig = Record<string, unknown>;

/** The proxy's configuration. Validates its inputs, so a bad value fails at synth, not at deploy. */
export function proxyCollectorConfig(input: ProxyCollectorInput): CollectorConfig {
  if (!endpointPattern.test(input.remoteWriteUrl))
    throw new Error(`remoteWriteUrl "${input.remoteWriteUrl}" is not an http(s) URL`);
  if (!/^[A-Z_][A-Z0-9_]*$/.test(input.tokenEnvVar))
    throw new Error(`tokenEnvVar "${input.tokenEnvVar}" is not an environment variable name`);
  if (input.memoryLimitMiB < 64)
    throw new Error(`memoryLimitMiB ${input.memoryLimitMiB} is below the 64 MiB the collector needs`);
  const listen = input.listenPort ?? 4318;
  const retry = { enabled: true, initial_interval: "1s", max_interval: "30s", max_elapsed_time: "300s" };
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${input.healthPort ?? 13133}` },
      bearertokenauth: { token: `\${env:${input.tokenEnvVar}}` },
      sigv4auth: { region: input.region, service: "aps" },
    },
    receivers: {
      otlp: {
        protocols: { http: { endpoint: `0.0.0.0:${listen}`, auth: { authenticator: "bearertokenauth" } } },
      },
    },
    processors: {
      // Limits sized from the container's memory: refuse data at 80 %, with a 20 % spike margin.
      memory_limiter: {
        check_interval: "1s",
        limit_mib: Math.floor(input.memoryLimitMiB * 0.8),
        spike_limit_mib: Math.floor(input.memoryLimitMiB * 0.2),
      },
      resourcedetection: { detectors: ["env", "system"], timeout: "2s", override: false },
      batch: { send_batch_size: 512, send_batch_max_size: 1024, timeout: "5s" },
    },
    exporters: {
      // The X-Ray exporter has no shared retry/queue settings: it retries through the AWS SDK (max_retries),
      // and the batch processor in front of it is the buffer.
      awsxray: { region: input.region, max_retries: 5 },
      prometheusremotewrite: {
        endpoint: input.remoteWriteUrl,
        auth: { authenticator: "sigv4auth" },
        resource_to_telemetry_conversion: { enabled: true },
        retry_on_failure: retry,
        remote_write_queue: { enabled: true, queue_size: input.queueSize, num_consumers: 4 },
      },
    },
    service: {
      extensions: ["health_check", "bearertokenauth", "sigv4auth"],
      pipelines: {
        traces: {
          receivers: ["otlp"],
          processors: ["memory_limiter", "resourcedetection", "batch"],
          exporters: ["awsxray"],
        },
        metrics: {
          receivers: ["otlp"],
          processors: ["memory_limiter", "resourcedetection", "batch"],
          exporters: ["prometheusremotewrite"],
        },
      },
    },
  };
}
