import {
  type CollectorConfig,
  checkEnvName,
  checkInterval,
  checkRemoteWriteInput,
  checkSetting,
  commonExtensions,
  endpoint,
  fromEnv,
  isPort,
  memoryLimiter,
  type RemoteWriteInput,
  remoteWriteExporter,
  render,
  type Setting,
  selfTelemetry,
} from "./common.js";

/** Inputs of the App Runner-hosted telemetry proxy: OTLP/HTTP in, X-Ray and Amazon Managed Prometheus out. */
export interface ProxyCollectorInput extends RemoteWriteInput {
  /** Environment variable the bearer token is read from (App Runner fills it from Secrets Manager). */
  tokenEnvVar: string;
  listenPort?: Setting;
  /**
   * X-Ray API endpoint. Unset in AWS (the exporter derives it from the region); the local plane points it at
   * the emulator. An environment reference whose variable is unset expands to "", which means the same.
   */
  xrayEndpoint?: Setting;
  /** How often the proxy scrapes its own metrics into its metrics pipeline ("30s" by default). */
  selfScrapeInterval?: Setting;
}

/** The proxy's configuration. Validates its inputs, so a bad value fails at synth, not at deploy. */
export function proxyCollectorConfig(input: ProxyCollectorInput): CollectorConfig {
  checkRemoteWriteInput(input);
  checkEnvName("tokenEnvVar", input.tokenEnvVar);
  if (input.listenPort !== undefined) checkSetting("listenPort", input.listenPort, isPort, "a port number");
  const interval = input.selfScrapeInterval ?? "30s";
  checkInterval("selfScrapeInterval", interval);
  const self = selfTelemetry(input, "telemetry-proxy", interval);
  const processors = ["memory_limiter", "resourcedetection", "batch"];
  return {
    extensions: { ...commonExtensions(input), bearertokenauth: { token: fromEnv(input.tokenEnvVar) } },
    receivers: {
      otlp: {
        protocols: {
          http: {
            endpoint: endpoint(input, input.listenPort ?? "4318"),
            auth: { authenticator: "bearertokenauth" },
          },
        },
      },
      "prometheus/self": self.receiver,
    },
    processors: {
      memory_limiter: memoryLimiter(input.memoryLimitMiB),
      resourcedetection: { detectors: ["env", "system"], timeout: "2s", override: false },
      batch: { send_batch_size: 512, send_batch_max_size: 1024, timeout: "5s" },
    },
    exporters: {
      // The X-Ray exporter has no shared retry/queue settings: it retries through the AWS SDK (max_retries),
      // and the batch processor in front of it is the buffer.
      awsxray: {
        region: render(input.region),
        max_retries: 5,
        ...(input.xrayEndpoint === undefined ? {} : { endpoint: render(input.xrayEndpoint) }),
      },
      prometheusremotewrite: remoteWriteExporter(input),
    },
    service: {
      extensions: ["health_check", "bearertokenauth", "sigv4auth"],
      telemetry: self.telemetry,
      pipelines: {
        traces: { receivers: ["otlp"], processors, exporters: ["awsxray"] },
        metrics: { receivers: ["otlp", "prometheus/self"], processors, exporters: ["prometheusremotewrite"] },
      },
    },
  };
}
