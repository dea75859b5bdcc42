import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COLLECTOR_ENV, imageConfigYaml } from "../src/index.js";

const dockerfile = readFileSync(join(import.meta.dirname, "..", "images", "Dockerfile"), "utf8");

describe("collector image contexts", () => {
  it.each(["proxy", "scraper"] as const)(
    "the %s config takes every endpoint and secret from the environment",
    (image) => {
      const yaml = imageConfigYaml(image);
      expect(yaml).not.toMatch(/amazonaws\.com|aps-workspaces|ws-[0-9a-f]/);
      expect(yaml).toContain(`{env:${COLLECTOR_ENV.region}}`);
      expect(yaml).toContain(`{env:${COLLECTOR_ENV.remoteWriteUrl}}`);
      const secret = image === "proxy" ? COLLECTOR_ENV.proxyToken : COLLECTOR_ENV.backendToken;
      expect(yaml).toContain(`{env:${secret}}`);
    },
  );

  it("bakes the config into the public ADOT image, with its health check", () => {
    expect(dockerfile).toMatch(/^ARG ADOT_IMAGE=amazon\/aws-otel-collector:v\d+\.\d+\.\d+$/m);
    expect(dockerfile).toContain("COPY config.yaml /etc/trackgraph/collector.yaml");
    expect(dockerfile).toContain('CMD ["--config=/etc/trackgraph/collector.yaml"]');
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/healthcheck/);
  });
});
