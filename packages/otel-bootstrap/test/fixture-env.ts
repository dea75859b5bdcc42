/**
 * The environment of the fixture processes (`test/fixtures/`, started with the built register hook): every
 * span sampled, exports to a port where nothing listens (they fail, which must not stop the app or its
 * logs), no Prometheus port, a short shutdown.
 */
export const FIXTURE_ENV = {
  PATH: process.env.PATH ?? "",
  OTEL_SERVICE_NAME: "fixture",
  OTEL_TRACES_SAMPLER_ARG: "1",
  OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
  TRACKGRAPH_OTEL_PROMETHEUS_PORT: "off",
  TRACKGRAPH_OTEL_SHUTDOWN_TIMEOUT_MS: "1000",
};
