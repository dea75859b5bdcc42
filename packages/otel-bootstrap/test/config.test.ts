import { describe, expect, it } from "vitest";
import { ConfigurationError, resolveTelemetryConfig } from "../src/index.js";

describe("resolveTelemetryConfig", () => {
  it("applies production defaults around the service name", () => {
    expect(resolveTelemetryConfig({ OTEL_SERVICE_NAME: "trackgraph-backend" })).toEqual({
      serviceName: "trackgraph-backend",
      serviceVersion: undefined,
      environment: undefined,
      otlpEndpoint: "http://localhost:4318",
      otlpHeaders: {},
      samplingRatio: 0.1,
      prometheusPort: 9464,
      maxQueueSize: 2048,
      shutdownTimeoutMillis: 5000,
      otlpMetrics: false,
      metricExportIntervalMillis: 60000,
    });
  });

  it("reads resource attributes, headers and the sampler argument", () => {
    const config = resolveTelemetryConfig({
      OTEL_RESOURCE_ATTRIBUTES: "service.name=api,service.version=1.2.3,deployment.environment.name=prod",
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com/",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc",
      OTEL_TRACES_SAMPLER_ARG: "1",
      TRACKGRAPH_OTEL_PROMETHEUS_PORT: "off",
    });
    expect(config).toMatchObject({
      serviceName: "api",
      serviceVersion: "1.2.3",
      environment: "prod",
      otlpEndpoint: "https://collector.example.com",
      otlpHeaders: { authorization: "Bearer abc" },
      samplingRatio: 1,
      prometheusPort: undefined,
    });
  });

  it("turns TRACKGRAPH_OTEL_BEARER_TOKEN (a raw secret) into the authorization header", () => {
    const config = resolveTelemetryConfig({
      OTEL_SERVICE_NAME: "api",
      OTEL_EXPORTER_OTLP_HEADERS: "x-team=music",
      TRACKGRAPH_OTEL_BEARER_TOKEN: "s3cr3t-token",
    });
    expect(config.otlpHeaders).toEqual({ "x-team": "music", authorization: "Bearer s3cr3t-token" });
  });

  it.each([
    ["embedded", "embedded"],
    ["off", undefined],
    ["", 9464],
    ["1", 1],
    ["65535", 65535],
  ])("takes TRACKGRAPH_OTEL_PROMETHEUS_PORT=%j as %j", (value, port) => {
    expect(
      resolveTelemetryConfig({ OTEL_SERVICE_NAME: "a", TRACKGRAPH_OTEL_PROMETHEUS_PORT: value })
        .prometheusPort,
    ).toBe(port);
  });

  it.each(["0", "65536", "99999", "-1", "9464.5", "1e3", "on", " 9464"])(
    "refuses TRACKGRAPH_OTEL_PROMETHEUS_PORT=%j, naming the variable and the accepted values",
    (value) => {
      const env = { OTEL_SERVICE_NAME: "a", TRACKGRAPH_OTEL_PROMETHEUS_PORT: value };
      expect(() => resolveTelemetryConfig(env)).toThrowError(ConfigurationError);
      expect(() => resolveTelemetryConfig(env)).toThrow(
        `TRACKGRAPH_OTEL_PROMETHEUS_PORT="${value}": expected off, embedded, or a port from 1 to 65535`,
      );
    },
  );

  it.each([
    [{}, /OTEL_SERVICE_NAME is not set/],
    [
      { OTEL_SERVICE_NAME: "a", OTEL_TRACES_SAMPLER_ARG: "1.5" },
      /OTEL_TRACES_SAMPLER_ARG="1.5": expected a number from 0 to 1/,
    ],
    [{ OTEL_SERVICE_NAME: "a", OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, /expected an http\(s\) URL/],
    [{ OTEL_SERVICE_NAME: "a", OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, /"novalue" is not key=value/],
    [
      { OTEL_SERVICE_NAME: "a", OTEL_METRICS_EXPORTER: "otlp,statsd" },
      /OTEL_METRICS_EXPORTER: "statsd" is not otlp, prometheus or none/,
    ],
  ])("rejects %j with a message naming the variable", (env, message) => {
    expect(() => resolveTelemetryConfig(env)).toThrowError(ConfigurationError);
    expect(() => resolveTelemetryConfig(env)).toThrow(message);
  });
});
