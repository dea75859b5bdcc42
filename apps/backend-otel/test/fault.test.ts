import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { FAULT_FILE_ENV, loadFaultSwitch } from "../src/fault.js";
import { LocalHistorySource } from "../src/history-source.js";

const dir = mkdtempSync(join(tmpdir(), "backend-fault-"));
const file = join(dir, "5xx");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the infra app gives the backend in AWS (apps/infra/src/features/backend.ts), for any stack name. */
const production = (stack: string) => ({
  DATA_SOURCE: "s3",
  SPOTIFY_DATA_BUCKET: "trackgraph-dev-spotify-data",
  OTEL_SERVICE_NAME: "trackgraph-backend",
  OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=${stack}`,
  OTEL_EXPORTER_OTLP_ENDPOINT: "https://proxy.example.internal",
  TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
  METRICS_TOKEN: "a-metrics-token-of-32-characters",
});
const localPlane = {
  OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local",
  AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
  [FAULT_FILE_ENV]: file,
};

describe("the fault switch", () => {
  it("is off by default", () => {
    expect(loadFaultSwitch({ ...localPlane, [FAULT_FILE_ENV]: undefined })).toEqual({
      enabled: false,
      reason: `${FAULT_FILE_ENV} is not set`,
    });
  });

  it("cannot be turned on by production config, even with the variable set and a stack named local", () => {
    for (const stack of ["dev", "prod", "local"]) {
      const fault = loadFaultSwitch({ ...production(stack), [FAULT_FILE_ENV]: file });
      expect(fault.enabled, stack).toBe(false);
    }
    // An endpoint that is not loopback (a VPC endpoint, say) does not count as the emulator.
    const vpc = { ...localPlane, AWS_ENDPOINT_URL: "https://s3.eu-west-1.amazonaws.com" };
    expect(loadFaultSwitch(vpc)).toMatchObject({ enabled: false, reason: expect.stringMatching(/loopback/) });
  });

  it("on the local plane, fails history reads with a 503 while its file exists", async () => {
    const fault = loadFaultSwitch(localPlane);
    if (!fault.enabled) throw new Error(`expected the switch on, got: ${fault.reason}`);
    const handle = createApp({
      source: new LocalHistorySource(join(import.meta.dirname, "..", "fixtures", "history")),
      metricsToken: "a-metrics-token-of-32-characters",
      cacheSeconds: 60,
      fault: fault.check,
    });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/summary`)).status).toBe(200);
      writeFileSync(file, "");
      const failed = await fetch(`${base}/graph`);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ cause: "InjectedFault" });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      rmSync(file);
      expect((await fetch(`${base}/summary`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
