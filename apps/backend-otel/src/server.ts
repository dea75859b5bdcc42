import { createServer } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import { activeTelemetry } from "@trackgraph/otel-bootstrap";
import { createApp } from "./app.js";
import { BackendConfigError, loadBackendConfig } from "./config.js";
import { LocalHistorySource, S3HistorySource } from "./history-source.js";

/** The container's entry: `node --import @trackgraph/otel-bootstrap/register dist/server.js`. */
function main(): void {
  const config = loadBackendConfig();
  const source =
    config.source === "s3"
      ? new S3HistorySource(new S3Client({}), config.bucket, config.prefix)
      : new LocalHistorySource(config.dataDir);
  const prometheus = activeTelemetry()?.prometheus;
  const handle = createApp({
    source,
    metricsToken: config.metricsToken,
    cacheSeconds: config.cacheSeconds,
    ...(prometheus ? { metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res) } : {}),
  });
  const server = createServer((req, res) => void handle(req, res));
  server.listen(config.port, () => {
    process.stdout.write(
      `${JSON.stringify({ level: "info", message: "listening", port: config.port, source: source.describe() })}\n`,
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
