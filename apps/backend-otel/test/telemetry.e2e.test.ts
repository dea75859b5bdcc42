import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort, type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string } }>;
}

const TOKEN = "e2e-metrics-token-0123456789abcdef";
let moto: MotoServer;
let receiver: Server;
let backend: ChildProcess;
let base = "";
const received: OtlpSpan[] = [];
let output = "";
const faultFile = join(mkdtempSync(join(tmpdir(), "backend-e2e-")), "fault");

/** A loopback OTLP/HTTP receiver: the JSON the exporter posts to /v1/traces, kept as spans. */
function startReceiver(): Promise<number> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) received.push(...ss.spans);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  return new Promise((resolve) =>
    receiver.listen(0, "127.0.0.1", () => resolve((receiver.address() as AddressInfo).port)),
  );
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${output}`);
}

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "spotify-data" }));
  const fixtures = join(import.meta.dirname, "..", "fixtures", "history");
  for (const name of readdirSync(fixtures)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: "spotify-data",
        Key: `listener-1/${name}`,
        Body: readFileSync(join(fixtures, name)),
      }),
    );
  }
  const otlpPort = await startReceiver();
  const port = await freePort();
  backend = spawn(process.execPath, ["--import", "@trackgraph/otel-bootstrap/register", "dist/server.js"], {
    cwd: join(import.meta.dirname, ".."),
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_TOKEN: TOKEN,
      DATA_SOURCE: "s3",
      SPOTIFY_DATA_BUCKET: "spotify-data",
      SPOTIFY_DATA_PREFIX: "listener-1/",
      HISTORY_CACHE_SECONDS: "0",
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      OTEL_SERVICE_NAME: "trackgraph-backend",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
      OTEL_TRACES_SAMPLER_ARG: "1",
      TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
      // The fault switch (local environment, emulator on loopback) makes the error request of the log test.
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local",
      TRACKGRAPH_FAULT_FILE: faultFile,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  backend.stdout?.on("data", (c: Buffer) => (output += c));
  backend.stderr?.on("data", (c: Buffer) => (output += c));
  base = `http://127.0.0.1:${port}`;
  await waitFor("the backend to listen", () => (output.includes('"listening"') ? true : undefined));
});

afterAll(async () => {
  rmSync(faultFile, { force: true });
  backend?.kill("SIGTERM");
  receiver?.close();
  await moto?.stop();
});

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

describe("the instrumented backend (node --import @trackgraph/otel-bootstrap/register)", () => {
  it("puts the HTTP span and the S3 spans under one trace, with an X-Ray trace id", async () => {
    const response = await fetch(`${base}/summary?limit=2`);
    expect(response.status).toBe(200);
    const server = await waitFor("the server span", () =>
      received.find((s) => s.kind === 2 && attribute(s, "http.route")?.stringValue === "/summary"),
    );
    const s3Spans = await waitFor("the S3 spans", () => {
      const spans = received.filter(
        (s) => s.traceId === server.traceId && attribute(s, "rpc.service")?.stringValue === "S3",
      );
      return spans.length >= 2 ? spans : undefined;
    });
    expect(s3Spans.map((s) => attribute(s, "rpc.method")?.stringValue).sort()).toEqual([
      "GetObject",
      "ListObjectsV2",
    ]);
    for (const span of s3Spans) expect(span.parentSpanId).toBe(server.spanId);
    // X-Ray's trace id: the first 8 hex digits are the epoch second the trace started.
    expect(Math.abs(Number.parseInt(server.traceId.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(120);
  });

  it("joins a trace started upstream from its X-Amzn-Trace-Id header", async () => {
    const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${"a1b2c3d4e5f60718293a4b5c"}`;
    await fetch(`${base}/graph?limit=5`, {
      headers: { "x-amzn-trace-id": `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1` },
    });
    const traceId = root.slice(2).replace("-", "");
    const span = await waitFor("the joined span", () =>
      received.find((s) => s.traceId === traceId && s.kind === 2),
    );
    expect(span.parentSpanId).toBe("53995c3f42cd8ad8");
  });

  it("serves the duration histogram by route on the token-protected /metrics", async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const text = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(text).toMatch(/http_server_request_duration_count\{[^}]*http_route="\/summary"[^}]*\} \d+/);
    expect(text).not.toMatch(/limit=2/);
  });
});

/** The backend's JSON log lines so far. */
function logLines(): Array<Record<string, unknown>> {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("the backend's log lines", () => {
  it("carry the trace id of the request's span, in W3C and X-Ray form, and no secret", async () => {
    const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${"0f1e2d3c4b5a69788796a5b4"}`;
    const traceId = root.slice(2).replace("-", "");
    await (
      await fetch(`${base}/graph?limit=4`, {
        headers: {
          "x-amzn-trace-id": `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
          authorization: "Bearer header-secret-e2e",
        },
      })
    ).text();
    const span = await waitFor("the server span", () =>
      received.find((s) => s.traceId === traceId && s.kind === 2),
    );
    const line = await waitFor("the request line", () =>
      logLines().find((l) => l.msg === "request" && l.trace_id === traceId),
    );
    expect(line).toMatchObject({
      xray_trace_id: root,
      span_id: span.spanId,
      route: "/graph",
      path: "/graph",
      status: 200,
      service: "trackgraph-backend",
    });
    await (await fetch(`${base}/summary?token=query-secret-e2e`)).text();
    await waitFor("the 400's line", () => logLines().find((l) => l.status === 400 && l.route === "/summary"));
    expect(output).not.toMatch(/header-secret-e2e|query-secret-e2e/);
  });

  it("write an error line with the stack and the trace id for a failed request", async () => {
    writeFileSync(faultFile, "");
    try {
      const response = await fetch(`${base}/summary?limit=2`);
      expect(response.status).toBe(503);
      await response.text();
    } finally {
      rmSync(faultFile, { force: true });
    }
    const error = await waitFor("the error line", () =>
      logLines().find((l) => l.msg === "request failed" && l.route === "/summary"),
    );
    expect(error).toMatchObject({ level: "error", path: "/summary" });
    expect(String((error.err as { stack?: string }).stack)).toMatch(
      /^InjectedFault: fault switch on .*\n\s+at /,
    );
    const span = await waitFor("the failed request's span", () =>
      received.find((s) => s.traceId === error.trace_id && s.kind === 2),
    );
    expect(error.xray_trace_id).toBe(`1-${span.traceId.slice(0, 8)}-${span.traceId.slice(8)}`);
    expect(logLines().find((l) => l.msg === "request" && l.trace_id === span.traceId)).toMatchObject({
      status: 503,
    });
  });
});
