import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { BackendConfigError, loadBackendConfig } from "../src/config.js";
import { buildArtistGraph } from "../src/graph.js";
import { parseHistory, summarizePlays } from "../src/history.js";
import { type HistorySource, LocalHistorySource } from "../src/history-source.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "history");
const TOKEN = "a-metrics-token-of-32-characters";
let server: Server;
let base: string;
let loads = 0;
let failNext = false;
const counting: HistorySource = {
  describe: () => "fixture",
  load: async () => {
    loads++;
    if (failNext) {
      failNext = false;
      throw Object.assign(new Error("boom"), { name: "NoSuchBucket" });
    }
    return new LocalHistorySource(fixtures).load();
  },
};

beforeAll(async () => {
  const handle = createApp({
    source: counting,
    metricsToken: TOKEN,
    cacheSeconds: 0,
    metricsHandler: (_req, res) => res.end("# HELP up\nup 1\n"),
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get<T = unknown>(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, { headers });
  const isJson = response.headers.get("content-type")?.startsWith("application/json") ?? false;
  return { status: response.status, body: (isJson ? await response.json() : await response.text()) as T };
}

describe("backend routes", () => {
  it("answers the health check without reading the history", async () => {
    const before = loads;
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(loads).toBe(before);
  });

  it("summarizes the committed fixture", async () => {
    const { status, body } = await get<{ plays: number; topArtists: unknown[] }>("/summary?limit=3");
    expect(status).toBe(200);
    expect(body).toEqual(summarizePlays(await new LocalHistorySource(fixtures).load(), 3));
    expect(body.plays).toBeGreaterThan(150);
    expect(body.topArtists).toHaveLength(3);
  });

  it("returns the artist graph with its limits", async () => {
    const { status, body } = await get<{
      nodes: Array<{ id: string }>;
      edges: Array<{ from: string; to: string; weight: number }>;
      sessions: number;
    }>("/graph?limit=4&minWeight=2");
    expect(status).toBe(200);
    expect(body.nodes).toHaveLength(4);
    const names = body.nodes.map((n) => n.id);
    for (const edge of body.edges) {
      expect(names).toContain(edge.from);
      expect(names).toContain(edge.to);
      expect(edge.weight).toBeGreaterThanOrEqual(2);
    }
    expect(body.sessions).toBe(21);
  });

  it.each([
    ["/graph?limit=0", "limit must be a whole number from 1 to 500"],
    ["/graph?limit=abc", "limit must be a whole number from 1 to 500"],
    ["/graph?sessionGapMinutes=5000", "sessionGapMinutes must be a whole number from 1 to 1440"],
    ["/summary?limit=101", "limit must be a whole number from 1 to 100"],
    ["/summary?user=42", 'unknown query parameter "user" (allowed: limit)'],
  ])("refuses %s with a 400 that says why", async (path, error) => {
    expect(await get(path)).toEqual({ status: 400, body: { error } });
  });

  it("protects /metrics with the bearer token", async () => {
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", { authorization: "Bearer wrong-token-of-32-characters!!" })).status).toBe(
      401,
    );
    expect(await get("/metrics", { authorization: `Bearer ${TOKEN}` })).toEqual({
      status: 200,
      body: "# HELP up\nup 1\n",
    });
  });

  it("answers 404 and 405 as JSON", async () => {
    expect(await get("/nope")).toEqual({ status: 404, body: { error: "no route /nope" } });
    const response = await fetch(`${base}/graph`, { method: "POST" });
    expect(response.status).toBe(405);
  });

  it("answers 503 when the history cannot be read, and tries again on the next request", async () => {
    failNext = true;
    expect(await get("/summary")).toEqual({
      status: 503,
      body: { error: "the listening history could not be read", cause: "NoSuchBucket" },
    });
    expect((await get("/summary")).status).toBe(200);
  });
});

describe("artist graph", () => {
  const plays = parseHistory([
    { endTime: "2026-01-01 10:04", artistName: "A", trackName: "a1", msPlayed: 240_000 },
    { endTime: "2026-01-01 10:08", artistName: "B", trackName: "b1", msPlayed: 240_000 },
    { endTime: "2026-01-01 10:08", artistName: "C", trackName: "c1", msPlayed: 5_000 },
    { endTime: "2026-01-01 10:12", artistName: "B", trackName: "b2", msPlayed: 240_000 },
    { endTime: "2026-01-01 10:16", artistName: "A", trackName: "a2", msPlayed: 240_000 },
    { endTime: "2026-01-01 13:00", artistName: "B", trackName: "b3", msPlayed: 240_000 },
  ]);

  it("links artists that follow each other within a session; skips, repeats and session breaks add no edge", () => {
    expect(buildArtistGraph(plays, { limit: 10, minWeight: 1, sessionGapMinutes: 30 })).toEqual({
      nodes: [
        { id: "B", plays: 3, hours: 0.2 },
        { id: "A", plays: 2, hours: 0.13 },
      ],
      edges: [
        { from: "A", to: "B", weight: 1 },
        { from: "B", to: "A", weight: 1 },
      ],
      sessions: 2,
    });
  });
});

describe("configuration", () => {
  it("stops with the name of the missing secret", () => {
    expect(() => loadBackendConfig({ SPOTIFY_DATA_BUCKET: "b" })).toThrowError(BackendConfigError);
    expect(() => loadBackendConfig({ SPOTIFY_DATA_BUCKET: "b" })).toThrow(/^METRICS_TOKEN is not set/);
    expect(() => loadBackendConfig({ METRICS_TOKEN: "short" })).toThrow(
      "METRICS_TOKEN is too short: it protects /metrics and must be at least 16 characters (the infra app sets it from Secrets Manager)",
    );
    expect(() => loadBackendConfig({ METRICS_TOKEN: TOKEN })).toThrow(/SPOTIFY_DATA_BUCKET is not set/);
    expect(() => loadBackendConfig({ METRICS_TOKEN: TOKEN, DATA_SOURCE: "local" })).toThrow(/needs DATA_DIR/);
    expect(
      loadBackendConfig({ METRICS_TOKEN: TOKEN, DATA_SOURCE: "local", DATA_DIR: "/d", PORT: "9000" }),
    ).toEqual({
      port: 9000,
      metricsToken: TOKEN,
      cacheSeconds: 60,
      logLevel: "info",
      requestLogSampleRatio: 1,
      source: "local",
      dataDir: "/d",
    });
  });
});
