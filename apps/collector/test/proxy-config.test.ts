import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proxyCollectorConfig, toYaml } from "../src/index.js";

type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };

/** The parts of the parsed YAML this test reads. */
interface ParsedConfig {
  service: { pipelines: { traces: Pipeline; metrics: Pipeline } };
  processors: { memory_limiter: Record<string, unknown> };
  exporters: { prometheusremotewrite: { auth: unknown } };
  receivers: { otlp: { protocols: { http: { auth: unknown } } } };
  extensions: { bearertokenauth: unknown };
}

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
    expect(config.receivers.otlp.protocols.http.auth).toEqual({ authenticator: "bearertokenauth" });
    expect(config.extensions.bearertokenauth).toEqual({ token: ["$", "{env:COLLECTOR_TOKEN}"].join("") });
  });

  it("rejects inputs that would only fail at deploy time", () => {
    expect(() => proxyCollectorConfig({ ...input, remoteWriteUrl: "aps/ws-1" })).toThrow(
      /not an http\(s\) URL/,
    );
    expect(() => proxyCollectorConfig({ ...input, tokenEnvVar: "token" })).toThrow(
      /not an environment variable name/,
    );
    expect(() => proxyCollectorConfig({ ...input, memoryLimitMiB: 32 })).toThrow(/below the 64 MiB/);
  });
});
