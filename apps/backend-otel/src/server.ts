import { createServer } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import { activeTelemetry, createLogger, UNTRACED_PATHS } from "@trackgraph/otel-bootstrap";
import { createApp } from "./app.js";
import { BackendConfigError, loadBackendConfig } from "./config.js";
import { loadFaultSwitch } from "./fault.js";
import { LocalHistorySource, S3HistorySource } from "./history-source.js";
import { withRequestLog } from "./request-log.js";

/** The container's entry: `node --import @trackgraph/otel-bootstrap/register dist/server.js`. */
function main(): void {
  const config = loadBackendConfig();
  const source =
    config.source === "s3"
      ? new S3HistorySource(new S3Client({}), config.bucket, config.prefix)
      : new LocalHistorySource(config.dataDir);
  const telemetry = activeTelemetry();
  const prometheus = telemetry?.prometheus;
  const log = createLogger({
    level: config.logLevel,
    ...(telemetry ? { service: telemetry.config.serviceName } : {}),
    ...(telemetry?.config.environment ? { environment: telemetry.config.environment } : {}),
  });
  const fault = loadFaultSwitch();
  const handle = createApp({
    source,
    metricsToken: config.metricsToken,
    cacheSeconds: config.cacheSeconds,
    log,
    ...(fault.enabled ? { fault: fault.check } : {}),
    ...(prometheus ? { metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res) } : {}),
  });
  const logged = withRequestLog(handle, {
    log,
    sampleRatio: config.requestLogSampleRatio,
    quietRoutes: UNTRACED_PATHS,
  });
  const server = createServer((req, res) => void logged(req, res));
  server.listen(config.port, () => {
    log.info(
      { port: config.port, source: source.describe(), requestLogSampleRatio: config.requestLogSampleRatio },
      "listening",
    );
  });
  process.once("SIGTERM", () => server.close());
}

try {
  main();
} catch (error) {
  if (error instanceof BackendConfigError) {
    process.stderr.write(`backend: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
