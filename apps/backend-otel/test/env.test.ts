import { describe, expect, it } from "vitest";
import { loadBackendConfig } from "../src/config.js";
import { BACKEND_ENV } from "../src/env.js";
import { loadFaultSwitch } from "../src/fault.js";

describe("BACKEND_ENV", () => {
  it("names what the config reads: every setting set through it arrives", () => {
    const env = {
      [BACKEND_ENV.port]: "9090",
      [BACKEND_ENV.metricsToken]: "a-token-of-16-chars",
      [BACKEND_ENV.historyCacheSeconds]: "5",
      [BACKEND_ENV.logLevel]: "warn",
      [BACKEND_ENV.requestLogSampleRatio]: "0.25",
      [BACKEND_ENV.dataSource]: "s3",
      [BACKEND_ENV.dataBucket]: "history-bucket",
      [BACKEND_ENV.dataPrefix]: "exports/",
    };
    expect(loadBackendConfig(env)).toEqual({
      port: 9090,
      metricsToken: "a-token-of-16-chars",
      cacheSeconds: 5,
      logLevel: "warn",
      requestLogSampleRatio: 0.25,
      source: "s3",
      bucket: "history-bucket",
      prefix: "exports/",
    });
    const local = { ...env, [BACKEND_ENV.dataSource]: "local", [BACKEND_ENV.dataDir]: "/data" };
    expect(loadBackendConfig(local)).toMatchObject({ source: "local", dataDir: "/data" });
  });

  it("names the fault switch's file", () => {
    const sw = loadFaultSwitch({
      [BACKEND_ENV.faultFile]: "/tmp/fault",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local",
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
    });
    expect(sw.enabled).toBe(true);
  });
});
