import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proxyCollectorConfig, toYaml } from "../src/index.js";

type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };

/** The parts of the parsed YAML this test reads. */
interface ParsedConfig {
  service: {
    pipelines: { traces: Pipeline; metrics: Pipeline };
    telemetry: { resource: Record<string, string>; metrics: { readers: unknown[] } };
  };
  processors: { memory_limiter: Record<string, unknown> };
  exporters: {
    prometheusremotewrite: { auth: unknown; timeout: string; remote_write_queue: { num_consumers: number } };
    awsxray: Record<string, unknown>;
  };
  receivers: {
    otlp: { protocols: { http: { auth: unknown; endpoint: string } } };
    "prometheus/self": {
      config: { scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
  };
  extensions: { bearertokenauth: unknown };
}

const env = (text: string) => ["$", `{env:${text}}`].join("");
const input = {
  region: "eu-west-1",
  remoteWriteUrl: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
  tokenEnvVar: "COLLECTOR_TOKEN",
  memoryLimitMiB: 1024,
  queueSize: 5000,
};

describe("proxy collector config", () => {
  it("routes traces to X-Ray and metrics to AMP, each through the memory limiter first", () => {
    const config = parse(toYaml(proxyCollectorConfig(input))) as ParsedConfig;
    expect(config.service.pipelines.traces).toEqual({
      receivers: ["otlp"],
      processors: ["memory_limiter", "resourcedetection", "batch"],
      exporters: ["awsxray"],
    });
    expect(config.service.pipelines.metrics.exporters).toEqual(["prometheusremotewrite"]);
    expect(config.processors.memory_limiter).toMatchObject({ limit_mib: 819, spike_limit_mib: 204 });
    expect(config.exporters.prometheusremotewrite.auth).toEqual({ authenticator: "sigv4auth" });
    expect(config.receivers.otlp.protocols.http).toEqual({
      endpoint: "0.0.0.0:4318",
      auth: { authenticator: "bearertokenauth" },
    });
    expect(config.extensions.bearertokenauth).toEqual({ token: env("COLLECTOR_TOKEN") });
    expect(config.exporters.awsxray).toEqual({ region: "eu-west-1", max_retries: 5 });
  });

  it("keeps remote write in order through an outage: one consumer, and a timeout that covers the retries", () => {
    const config = parse(toYaml(proxyCollectorConfig(input))) as ParsedConfig;
    expect(config.exporters.prometheusremotewrite.remote_write_queue.num_consumers).toBe(1);
    expect(config.exporters.prometheusremotewrite.timeout).toBe("300s");
  });

  it("scrapes its own metrics into its metrics pipeline, under its own service name", () => {
    const config = parse(toYaml(proxyCollectorConfig(input))) as ParsedConfig;
    expect(config.service.pipelines.metrics.receivers).toEqual(["otlp", "prometheus/self"]);
    expect(config.receivers["prometheus/self"].config.scrape_configs[0]?.static_configs).toEqual([
      { targets: ["127.0.0.1:8888"] },
    ]);
    expect(config.service.telemetry.resource).toEqual({ "service.name": "telemetry-proxy" });
  });

  it("renders environment references for values the image reads at start", () => {
    const config = parse(
      toYaml(
        proxyCollectorConfig({
          ...input,
          region: { env: "TELEMETRY_REGION" },
          remoteWriteUrl: { env: "AMP_REMOTE_WRITE_URL" },
          listenPort: { env: "OTLP_PORT", default: "4318" },
          xrayEndpoint: { env: "XRAY_ENDPOINT", default: "" },
        }),
      ),
    ) as ParsedConfig;
    expect(config.receivers.otlp.protocols.http.endpoint).toBe(`0.0.0.0:${env("OTLP_PORT:-4318")}`);
    expect(config.exporters.awsxray).toMatchObject({
      region: env("TELEMETRY_REGION"),
      endpoint: env("XRAY_ENDPOINT:-"),
    });
  });

  it("rejects inputs that would only fail at deploy time", () => {
    expect(() => proxyCollectorConfig({ ...input, remoteWriteUrl: "aps/ws-1" })).toThrow(
      /not an http\(s\) URL/,
    );
    expect(() => proxyCollectorConfig({ ...input, tokenEnvVar: "token" })).toThrow(
      /not an environment variable name/,
    );
    expect(() => proxyCollectorConfig({ ...input, memoryLimitMiB: 32 })).toThrow(/below the 64 MiB/);
    expect(() => proxyCollectorConfig({ ...input, region: "Ireland" })).toThrow(/not an AWS region/);
    expect(() => proxyCollectorConfig({ ...input, listenPort: "70000" })).toThrow(/not a port number/);
    expect(() => proxyCollectorConfig({ ...input, listenPort: { env: "otlp-port" } })).toThrow(
      /not an environment variable name/,
    );
    expect(() => proxyCollectorConfig({ ...input, selfScrapeInterval: "0s" })).toThrow(/duration/);
  });
});
