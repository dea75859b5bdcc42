import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scraperCollectorConfig, toYaml } from "../src/index.js";

const input = {
  region: "eu-west-1",
  remoteWriteUrl: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/remote_write",
  memoryLimitMiB: 512,
  queueSize: 10_000,
  targets: [
    {
      job: "trackgraph-backend",
      address: "backend.internal:8080",
      bearerTokenEnvVar: "BACKEND_METRICS_TOKEN",
    },
    { job: "telemetry-proxy", address: "proxy.internal:8888" },
  ],
};
const env = (text: string) => ["$", `{env:${text}}`].join("");

interface Parsed {
  receivers: { prometheus: { config: { scrape_configs: Array<Record<string, unknown>> } } };
  exporters: { prometheusremotewrite: { auth: unknown; remote_write_queue: unknown } };
  service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
}

describe("Fargate scraper collector config", () => {
  it("scrapes its targets (the backend with its token), and remote-writes to AMP with SigV4", () => {
    const config = parse(toYaml(scraperCollectorConfig(input))) as Parsed;
    expect(config.receivers.prometheus.config.scrape_configs).toEqual([
      {
        job_name: "trackgraph-backend",
        scrape_interval: "30s",
        metrics_path: "/metrics",
        scheme: "http",
        static_configs: [{ targets: ["backend.internal:8080"] }],
        authorization: { type: "Bearer", credentials: ["$", "{env:BACKEND_METRICS_TOKEN}"].join("") },
      },
      {
        job_name: "telemetry-proxy",
        scrape_interval: "30s",
        metrics_path: "/metrics",
        scheme: "http",
        static_configs: [{ targets: ["proxy.internal:8888"] }],
      },
    ]);
    expect(config.exporters.prometheusremotewrite.auth).toEqual({ authenticator: "sigv4auth" });
    expect(config.exporters.prometheusremotewrite.remote_write_queue).toEqual({
      enabled: true,
      queue_size: 10000,
      num_consumers: 1,
    });
    // Metrics only, one path: nothing else is ingested by this collector.
    expect(Object.keys(config.service.pipelines)).toEqual(["metrics"]);
    expect(config.service.pipelines.metrics?.receivers).toEqual(["prometheus", "prometheus/self"]);
  });

  it("takes the backend's address and scheme from the environment in the image config", () => {
    const config = parse(
      toYaml(
        scraperCollectorConfig({
          ...input,
          scrapeInterval: { env: "SCRAPE_INTERVAL", default: "30s" },
          targets: [
            {
              job: "trackgraph-backend",
              address: { env: "BACKEND_METRICS_TARGET" },
              scheme: { env: "BACKEND_METRICS_SCHEME", default: "https" },
            },
          ],
        }),
      ),
    ) as Parsed;
    expect(config.receivers.prometheus.config.scrape_configs[0]).toMatchObject({
      scrape_interval: env("SCRAPE_INTERVAL:-30s"),
      scheme: env("BACKEND_METRICS_SCHEME:-https"),
      static_configs: [{ targets: [env("BACKEND_METRICS_TARGET")] }],
    });
  });

  it("rejects inputs that would only fail at deploy time", () => {
    expect(() => scraperCollectorConfig({ ...input, targets: [] })).toThrow(/at least one endpoint/);
    expect(() => scraperCollectorConfig({ ...input, targets: [{ job: "x y", address: "a:1" }] })).toThrow(
      /not a valid Prometheus job name/,
    );
    expect(() =>
      scraperCollectorConfig({ ...input, targets: [{ job: "x", address: "http://a:1" }] }),
    ).toThrow(/is not host:port/);
    expect(() => scraperCollectorConfig({ ...input, scrapeInterval: "30" })).toThrow(
      /a duration such as 30s/,
    );
    expect(() =>
      scraperCollectorConfig({ ...input, targets: [{ job: "x", address: "a:1", scheme: "ftp" }] }),
    ).toThrow(/not http or https/);
  });
});
