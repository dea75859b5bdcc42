import { execFile } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  createLogger,
  DEFAULT_REDACT_PATHS,
  LOG_FIELDS,
  logLevel,
  REDACTED,
  XRAY_TRACE_ID_KEY,
  xrayTraceId,
} from "../src/index.js";
import { FIXTURE_ENV } from "./fixture-env.js";

/** A destination that keeps every line, parsed. */
function memory(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

describe("xrayTraceId", () => {
  it("writes a W3C trace id in X-Ray's form", () => {
    expect(xrayTraceId("5759e988bd862e3fe1be46a994272793")).toBe("1-5759e988-bd862e3fe1be46a994272793");
  });
  it("refuses anything but 32 lower-case hex digits", () => {
    expect(xrayTraceId("5759e988bd862e3fe1be46a99427279")).toBeUndefined();
    expect(xrayTraceId("5759E988BD862E3FE1BE46A994272793")).toBeUndefined();
  });
});

describe("logLevel", () => {
  it("accepts pino's level names and falls back when unset", () => {
    expect(logLevel("LOG_LEVEL", "debug")).toBe("debug");
    expect(logLevel("LOG_LEVEL", undefined)).toBe("info");
    expect(logLevel("LOG_LEVEL", "", "warn")).toBe("warn");
  });
  it("names the setting and the accepted values for a bad one", () => {
    expect(() => logLevel("LOG_LEVEL", "verbose")).toThrow(ConfigurationError);
    expect(() => logLevel("LOG_LEVEL", "verbose")).toThrow(
      'LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});

describe("createLogger", () => {
  it("writes level names, ISO time, msg and the service", () => {
    const { stream, lines } = memory();
    createLogger({ destination: stream, service: "svc", environment: "dev" }).warn("hello");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", msg: "hello", service: "svc", environment: "dev" });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const key of Object.keys(lines[0] ?? {})) expect(LOG_FIELDS).toContain(key);
  });

  it("keeps lines under the configured level out", () => {
    const { stream, lines } = memory();
    const log = createLogger({ destination: stream, level: "warn" });
    log.info("quiet");
    log.error("loud");
    expect(lines.map((l) => l.msg)).toEqual(["loud"]);
  });

  it("refuses a level it does not know", () => {
    expect(() => createLogger({ level: "loud", destination: memory().stream })).toThrow(
      'level="loud": expected one of',
    );
  });

  it("keeps an error's type, message and stack under err", () => {
    const { stream, lines } = memory();
    createLogger({ destination: stream }).error({ err: new TypeError("bad") }, "failed");
    expect(lines[0]?.err).toMatchObject({ type: "TypeError", message: "bad" });
    expect(String((lines[0]?.err as { stack?: string } | undefined)?.stack)).toContain(
      "TypeError: bad\n    at ",
    );
  });

  it("redacts authorization headers, cookies, tokens, secrets and query strings, and the caller's paths", () => {
    const { stream, lines } = memory();
    createLogger({ destination: stream, redact: ["listener.email", "listener.token"] }).info(
      {
        headers: { authorization: "Bearer abc-secret", cookie: "s=1", "x-api-key": "k-secret" },
        req: { headers: { authorization: "Bearer def-secret" }, query: "token=ghi-secret" },
        res: { headers: { "set-cookie": "s=2-secret" } },
        token: "jkl-secret",
        secret: "mno-secret",
        query: "access_token=stu-secret",
        listener: { email: "someone@example.com", token: "pqr-secret" },
      },
      "request",
    );
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/-secret|someone@example\.com|s=1/);
    expect(lines[0]).toMatchObject({
      headers: { authorization: REDACTED, cookie: REDACTED, "x-api-key": REDACTED },
      req: { headers: { authorization: REDACTED }, query: REDACTED },
      res: { headers: { "set-cookie": REDACTED } },
      token: REDACTED,
      query: REDACTED,
      listener: { email: REDACTED, token: REDACTED },
    });
  });

  it("redacts a value at every one of its default paths", () => {
    // Written out, not derived from DEFAULT_REDACT_PATHS: dropping a path from the list must fail here.
    const line = {
      authorization: "a-secret",
      cookie: "b-secret",
      token: "c-secret",
      password: "d-secret",
      secret: "e-secret",
      query: "f-secret",
      headers: {
        authorization: "g-secret",
        cookie: "h-secret",
        "set-cookie": "i-secret",
        "x-api-key": "j-secret",
      },
      req: {
        headers: { authorization: "k-secret", cookie: "l-secret", "x-api-key": "m-secret" },
        query: "n-secret",
      },
      res: { headers: { "set-cookie": "o-secret" } },
    };
    const { stream, lines } = memory();
    createLogger({ destination: stream }).info(line, "every path");
    expect(JSON.stringify(lines)).not.toContain("-secret");
    expect(JSON.stringify(lines).split(REDACTED).length - 1).toBe(15);
    expect(DEFAULT_REDACT_PATHS).toHaveLength(15);
  });
});

const execFileP = promisify(execFile);

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("a real run under --import register", () => {
  it("joins every line written in a request to its trace, in W3C and X-Ray form, and logs no secret", async () => {
    const traceId = `${Math.floor(Date.now() / 1000).toString(16)}${"ab".repeat(12)}`;
    const { stdout } = await execFileP(
      process.execPath,
      ["--import", "../../dist/register.js", "traced-logs.mjs"],
      {
        cwd: fixtures,
        timeout: 30_000,
        env: {
          ...FIXTURE_ENV,
          FIXTURE_TRACEPARENT: `00-${traceId}-53995c3f42cd8ad8-01`,
        },
      },
    ).catch((error: { stdout: string; signal?: string }) => {
      // The fixture ends itself with SIGTERM, as a platform stops a container.
      if (error.signal !== "SIGTERM") throw error;
      return error;
    });
    const lines = stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(["started", "request", "request failed"]);
    expect(lines[0]).not.toHaveProperty("trace_id");
    for (const line of lines.slice(1)) {
      expect(line).toMatchObject({
        trace_id: traceId,
        trace_flags: "01",
        [XRAY_TRACE_ID_KEY]: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`,
      });
      expect(String(line.span_id)).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(lines[2]?.err).toMatchObject({ message: "the history could not be read" });
    expect(stdout).not.toContain("secret-bearer-456");
    expect(stdout).not.toContain("listener-token-123");
  }, 40_000);

  it("joins lines to their span when a service starts telemetry from code, after importing this package", async () => {
    const { stdout } = await execFileP(process.execPath, ["from-code.mjs"], {
      cwd: fixtures,
      timeout: 30_000,
      env: FIXTURE_ENV,
    });
    const [line] = stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ msg: "inside a span", trace_flags: "01" });
    expect(String(line?.xray_trace_id)).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  }, 40_000);
});
