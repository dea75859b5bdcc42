import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger, LOG_FIELDS } from "@trackgraph/otel-bootstrap";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app.js";
import { BackendConfigError, loadBackendConfig } from "../src/config.js";
import { type HistorySource, LocalHistorySource } from "../src/history-source.js";
import {
  ABORTED_FIELD,
  ERROR_MESSAGE,
  REQUEST_LOG_FIELDS,
  REQUEST_MESSAGE,
  type RequestLogOptions,
  withRequestLog,
} from "../src/request-log.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "history");
const TOKEN = "a-metrics-token-of-32-characters";
type Line = Record<string, unknown>;

let server: Server | undefined;
afterEach(() => {
  // The aborted request's half-closed socket would hold close() for seconds.
  server?.closeAllConnections();
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** The backend's handler behind the request log, on loopback, with every line it writes kept, parsed. */
async function start(
  source: HistorySource = new LocalHistorySource(fixtures),
  options: Partial<RequestLogOptions> = {},
): Promise<{ base: string; lines: Line[]; text: () => string }> {
  let text = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = createLogger({ destination, service: "backend-test" });
  const handle = createApp({
    source,
    metricsToken: TOKEN,
    cacheSeconds: 0,
    log,
    metricsHandler: (_req, res) => res.end("up 1\n"),
  });
  const logged = withRequestLog(handle, { log, sampleRatio: 1, quietRoutes: ["/healthz"], ...options });
  server = createServer((req, res) => void logged(req, res));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const lines: Line[] = [];
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get lines() {
      lines.splice(
        0,
        lines.length,
        ...text
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Line),
      );
      return lines;
    },
    text: () => text,
  };
}

/**
 * A request line is written on the response's close, after the client has its answer: wait until `count`
 * lines are there (a loaded CI machine can take far longer than any fixed sleep), then a little more so a
 * line too many would be seen.
 */
async function linesWritten(lines: () => readonly unknown[], count: number): Promise<void> {
  await vi.waitFor(() => expect(lines().length).toBeGreaterThanOrEqual(count), {
    timeout: 5_000,
    interval: 10,
  });
  await quiet();
}

/** For what must not happen: time for a wrong line to be written, were there one. */
async function quiet(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
}

describe("the request log", () => {
  it("writes one line per request: method, route template, path, status, duration and bytes", async () => {
    const run = await start();
    const response = await fetch(`${run.base}/graph?limit=3`);
    const body = await response.text();
    await linesWritten(() => run.lines, 1);
    expect(run.lines).toHaveLength(1);
    const [line] = run.lines;
    expect(line).toMatchObject({
      level: "info",
      msg: REQUEST_MESSAGE,
      service: "backend-test",
      method: "GET",
      route: "/graph",
      path: "/graph",
      status: 200,
      bytes: Buffer.byteLength(body),
    });
    expect(typeof line?.duration_ms).toBe("number");
    expect(Object.keys(line ?? {}).sort()).toEqual(
      [...REQUEST_LOG_FIELDS, "time", "level", "msg", "service"].sort(),
    );
  });

  it("names unmatched paths `*` and logs them without their query", async () => {
    const run = await start();
    await (await fetch(`${run.base}/nowhere?x=1`)).text();
    await linesWritten(() => run.lines, 1);
    expect(run.lines[0]).toMatchObject({ route: "*", path: "/nowhere", status: 404 });
  });

  it("never logs an Authorization header nor a token-bearing query string", async () => {
    const run = await start();
    const secret = "Bearer eyJhbGciOi-header-secret";
    for (const path of [
      "/graph?limit=3&token=query-secret-1",
      "/summary?access_token=query-secret-2",
      `/metrics?token=query-secret-3`,
    ])
      await (await fetch(`${run.base}${path}`, { headers: { authorization: secret } })).text();
    await (await fetch(`${run.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    await linesWritten(() => run.lines, 4);
    expect(run.lines.map((l) => [l.route, l.status])).toEqual([
      ["/graph", 400],
      ["/summary", 400],
      ["/metrics", 401],
      ["/metrics", 200],
    ]);
    expect(run.text()).not.toMatch(/secret|eyJ|token=|access_token|a-metrics-token/i);
  });

  it("writes an error line with the stack for a failed request, besides its request line", async () => {
    const failing: HistorySource = {
      describe: () => "failing",
      load: () => Promise.reject(Object.assign(new Error("the bucket is gone"), { name: "NoSuchBucket" })),
    };
    const run = await start(failing);
    expect((await fetch(`${run.base}/summary?limit=2`)).status).toBe(503);
    await linesWritten(() => run.lines, 2);
    const error = run.lines.find((l) => l.msg === ERROR_MESSAGE);
    expect(error).toMatchObject({ level: "error", route: "/summary", path: "/summary" });
    expect(error?.err).toMatchObject({ name: "NoSuchBucket", message: "the bucket is gone" });
    expect(String((error?.err as { stack?: string } | undefined)?.stack)).toMatch(
      /the bucket is gone\n\s+at /,
    );
    expect(run.lines.find((l) => l.msg === REQUEST_MESSAGE)).toMatchObject({ status: 503 });
    for (const key of Object.keys(error ?? {}))
      expect([...LOG_FIELDS, ...REQUEST_LOG_FIELDS] as string[]).toContain(key);
  });

  it("writes the line of a request whose client went away before the answer, marked aborted", async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const loading = new Promise<void>((resolve) => (entered = resolve));
    const slow: HistorySource = {
      describe: () => "slow",
      load: () => {
        entered();
        return new Promise((resolve) => (release = () => resolve([])));
      },
    };
    const run = await start(slow);
    const client = new AbortController();
    const answer = fetch(`${run.base}/graph?limit=3`, { signal: client.signal });
    // Abort only once the server is inside the handler: earlier, it may never have seen the request.
    await loading;
    client.abort();
    await expect(answer).rejects.toThrow();
    await linesWritten(() => run.lines, 1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ route: "/graph", path: "/graph", [ABORTED_FIELD]: true });
    // The handler answers later, into a closed connection: no second line, nothing thrown.
    release();
    await quiet();
    expect(run.lines).toHaveLength(1);
  });

  it("writes an aborted request's line in the request's context, with no status when none was sent", async () => {
    const requests = new AsyncLocalStorage<string>();
    const seen: Array<{ fields: object; request: string | undefined }> = [];
    const log = {
      info: (fields: object) => seen.push({ fields, request: requests.getStore() }),
      error: () => undefined,
    };
    let entered: () => void = () => undefined;
    const handling = new Promise<void>((resolve) => (entered = resolve));
    const handle = withRequestLog(
      () => {
        entered();
        return new Promise<void>(() => undefined);
      },
      { log, sampleRatio: 1 },
    );
    server = createServer((req, res) => requests.run("request-1", () => void handle(req, res)));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const client = new AbortController();
    const answer = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graph`, {
      signal: client.signal,
    });
    await handling;
    client.abort();
    await expect(answer).rejects.toThrow();
    await linesWritten(() => seen, 1);
    expect(seen).toEqual([
      { fields: expect.objectContaining({ [ABORTED_FIELD]: true, status: undefined }), request: "request-1" },
    ]);
  });

  it("logs no line for quiet routes", async () => {
    const run = await start();
    await (await fetch(`${run.base}/healthz`)).text();
    // A logged request after it: once its line is there, a line of the health check would be too.
    await (await fetch(`${run.base}/nowhere`)).text();
    await linesWritten(() => run.lines, 1);
    expect(run.lines.map((l) => l.path)).toEqual(["/nowhere"]);
  });

  it("adds nothing to a quiet request: no close listener, no random draw", () => {
    let draws = 0;
    const wrapped = withRequestLog(() => {}, {
      log: { info: () => {}, error: () => {} },
      sampleRatio: 0.5,
      random: () => {
        draws += 1;
        return 0;
      },
      quietRoutes: ["/healthz"],
    });
    const call = (url: string) => {
      const res = new EventEmitter();
      void wrapped({ url } as IncomingMessage, res as unknown as ServerResponse);
      return res.listenerCount("close");
    };
    expect(call("/healthz?probe=1")).toBe(0);
    expect(draws).toBe(0);
    expect(call("/graph")).toBe(1);
    expect(draws).toBe(1);
  });

  it("is off at ratio 0 and samples between", async () => {
    const off = await start(undefined, { sampleRatio: 0 });
    await (await fetch(`${off.base}/graph?limit=1`)).text();
    await quiet();
    expect(off.lines).toEqual([]);
    server?.close();

    let n = 0;
    const sampled = await start(undefined, { sampleRatio: 0.5, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
    for (let i = 0; i < 6; i++) await (await fetch(`${sampled.base}/graph?limit=1`)).text();
    await linesWritten(() => sampled.lines, 3);
    expect(sampled.lines).toHaveLength(3);
  });
});

describe("logging configuration", () => {
  const env = { METRICS_TOKEN: TOKEN, DATA_SOURCE: "local", DATA_DIR: fixtures };
  it("reads the level and the request log's ratio, with defaults", () => {
    expect(loadBackendConfig(env)).toMatchObject({ logLevel: "info", requestLogSampleRatio: 1 });
    expect(loadBackendConfig({ ...env, LOG_LEVEL: "warn", LOG_REQUEST_SAMPLE_RATIO: "0.25" })).toMatchObject({
      logLevel: "warn",
      requestLogSampleRatio: 0.25,
    });
  });
  it("refuses a bad level or ratio with the variable's name", () => {
    expect(() => loadBackendConfig({ ...env, LOG_LEVEL: "verbose" })).toThrow(BackendConfigError);
    expect(() => loadBackendConfig({ ...env, LOG_LEVEL: "verbose" })).toThrow(
      /^LOG_LEVEL="verbose": expected one of/,
    );
    expect(() => loadBackendConfig({ ...env, LOG_REQUEST_SAMPLE_RATIO: "2" })).toThrow(
      'LOG_REQUEST_SAMPLE_RATIO="2": expected a number from 0 to 1',
    );
  });
});
