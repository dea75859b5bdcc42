import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FIXTURE_ENV } from "./fixture-env.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Settings that start cleanly: no Prometheus port, exports to a port where nothing listens. */
const GOOD_ENV = FIXTURE_ENV;

/** `node --import register app-loaded.mjs` (the built hook, as a service starts it) with these settings. */
function run(env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, ["--import", "../../dist/register.js", "app-loaded.mjs"], {
    cwd: fixtures,
    env: Object.fromEntries(Object.entries({ ...GOOD_ENV, ...env }).filter(([, v]) => v !== undefined)),
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the register hook with a bad setting", () => {
  it("lets the app start when the settings are good", () => {
    const { status, stdout, stderr } = run({});
    expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: "app loaded\n", stderr: "" });
  });

  it.each([
    [
      "OTEL_TRACES_SAMPLER_ARG",
      "abc",
      'otel-bootstrap: OTEL_TRACES_SAMPLER_ARG="abc": expected a number from 0 to 1',
    ],
    [
      "TRACKGRAPH_OTEL_PROMETHEUS_PORT",
      "99999",
      'otel-bootstrap: TRACKGRAPH_OTEL_PROMETHEUS_PORT="99999": expected off, embedded, or a port from 1 to 65535',
    ],
    ["OTEL_SERVICE_NAME", undefined, "otel-bootstrap: OTEL_SERVICE_NAME is not set"],
  ])(
    "%s=%s: one line naming it on stderr, no stack trace, exit 1, the app never loads",
    (name, value, line) => {
      const { status, stdout, stderr } = run({ [name]: value });
      expect(status).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).not.toMatch(/^ {4}at /m);
      expect(stderr.endsWith("\n")).toBe(true);
      const lines = stderr.split("\n").slice(0, -1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
      expect(lines[0]?.startsWith(line)).toBe(true);
    },
  );
});
