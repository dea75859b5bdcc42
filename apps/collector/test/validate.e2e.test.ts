import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { imageConfigYaml, proxyCollectorConfig, scraperCollectorConfig, toYaml } from "../src/index.js";
import { collectorBinary } from "./collector-build.js";

const run = promisify(execFile);

/**
 * `validate` instantiates the extensions, and sigv4auth then resolves AWS credentials. Static credentials
 * and a disabled instance-metadata client keep the SDK's chain from ever calling the EC2 metadata address:
 * the test talks to nothing but this machine.
 */
const COLLECTOR_ENV = {
  PATH: process.env.PATH ?? "",
  HOME: tmpdir(),
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_ACCESS_KEY_ID: "validate-only",
  AWS_SECRET_ACCESS_KEY: "validate-only",
  AWS_REGION: "eu-west-1",
  COLLECTOR_TOKEN: "validate-only-token",
  // What the infra app sets for the image configs.
  TELEMETRY_REGION: "eu-west-1",
  AMP_REMOTE_WRITE_URL:
    "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/remote_write",
  BACKEND_METRICS_TARGET: "abc123.eu-west-1.awsapprunner.com:443",
  BACKEND_METRICS_TOKEN: "validate-only-token",
};
let collector = "";
const work = mkdtempSync(join(tmpdir(), "collector-validate-"));

beforeAll(async () => {
  collector = await collectorBinary();
});

async function validate(yaml: string): Promise<{ ok: boolean; output: string }> {
  const file = join(work, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  try {
    const { stdout, stderr } = await run(collector, ["validate", `--config=file:${file}`], {
      env: COLLECTOR_ENV,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const input = {
  region: "eu-west-1",
  remoteWriteUrl: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/remote_write",
  tokenEnvVar: "COLLECTOR_TOKEN",
  memoryLimitMiB: 1024,
  queueSize: 5000,
};

describe("generated collector configurations, checked by the collector itself", () => {
  it("the telemetry proxy's configuration passes `validate`", async () => {
    const result = await validate(toYaml(proxyCollectorConfig(input)));
    expect(result.ok, result.output).toBe(true);
  });

  it("the Fargate scraper's configuration passes `validate`", async () => {
    const result = await validate(
      toYaml(
        scraperCollectorConfig({
          ...input,
          targets: [
            { job: "trackgraph-backend", address: "127.0.0.1:8080", bearerTokenEnvVar: "COLLECTOR_TOKEN" },
            { job: "telemetry-proxy", address: "127.0.0.1:8888" },
          ],
        }),
      ),
    );
    expect(result.ok, result.output).toBe(true);
  });

  it.each(["proxy", "scraper"] as const)(
    "the %s image's baked configuration passes `validate`",
    async (image) => {
      const result = await validate(imageConfigYaml(image));
      expect(result.ok, result.output).toBe(true);
    },
  );

  it("a configuration the collector cannot run fails `validate` (the check is not vacuous)", async () => {
    const broken = proxyCollectorConfig(input) as {
      service: { pipelines: { traces: { exporters: string[] } } };
    };
    broken.service.pipelines.traces.exporters = ["awsxray", "nosuchexporter"];
    const result = await validate(toYaml(broken));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/nosuchexporter/);
  });
});
