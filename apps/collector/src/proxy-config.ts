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

/** Inputs of the App Runner-hosted telemetry proxy: OTLP/HTTP in, X-Ray and Amazon Managed Prometheus out. */
export interface ProxyCollectorInput extends RemoteWriteInput {
  /** Environment variable the bearer token is read from (App Runner fills it from Secrets Manager). */
  tokenEnvVar: string;
  listenPort?: number;
}

/** The proxy's configuration. Validates its inputs, so a bad value fails at synth, not at deploy. */
export function proxyCollectorConfig(input: ProxyCollectorInput): CollectorConfig {
  checkRemoteWriteInput(input);
  checkEnvName("tokenEnvVar", input.tokenEnvVar);
  const processors = ["memory_limiter", "resourcedetection", "batch"];
  return {
    extensions: { ...commonExtensions(input), bearertokenauth: { token: fromEnv(input.tokenEnvVar) } },
    receivers: {
      otlp: {
        protocols: {
          http: {
            endpoint: `0.0.0.0:${input.listenPort ?? 4318}`,
            auth: { authenticator: "bearertokenauth" },
          },
        },
      },
    },
    processors: {
      memory_limiter: memoryLimiter(input.memoryLimitMiB),
      resourcedetection: { detectors: ["env", "system"], timeout: "2s", override: false },
      batch: { send_batch_size: 512, send_batch_max_size: 1024, timeout: "5s" },
    },
    exporters: {
      // The X-Ray exporter has no shared retry/queue settings: it retries through the AWS SDK (max_retries),
      // and the batch processor in front of it is the buffer.
      awsxray: { region: input.region, max_retries: 5 },
      prometheusremotewrite: remoteWriteExporter(input),
    },
    service: {
      extensions: ["health_check", "bearertokenauth", "sigv4auth"],
      pipelines: {
        traces: { receivers: ["otlp"], processors, exporters: ["awsxray"] },
        metrics: { receivers: ["otlp"], processors, exporters: ["prometheusremotewrite"] },
      },
    },
  };
}
