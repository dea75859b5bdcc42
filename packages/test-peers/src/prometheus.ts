import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peerBin } from "./peers.js";
import { answers, freePort, type PeerProcess, startPeer } from "./process.js";

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Where remote write is accepted: our stand-in for an AMP workspace's remote-write URL. */
  remoteWriteUrl: string;
  process(): PeerProcess;
  /** Stops the server and keeps its data, as an outage would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
  /** An instant PromQL query; the `result` of the answer. */
  query(promql: string, time?: Date): Promise<PromSample[]>;
  /** Every stored sample of `selector` in the last `seconds`, with its own timestamp (no evaluation steps). */
  rawSamples(selector: string, seconds: number): Promise<PromSeries[]>;
  /** A range query with `step` in seconds. */
  queryRange(promql: string, start: Date, end: Date, step: number): Promise<PromSeries[]>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export class PromQLError extends Error {
  override readonly name = "PromQLError";
}

/**
 * Starts Debian's Prometheus on loopback with its remote-write receiver on, scraping nothing itself: data
 * arrives only by remote write, as in Amazon Managed Prometheus.
 */
export async function startPrometheus(): Promise<PrometheusServer> {
  const bin = await peerBin("prometheus");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "trackgraph-prometheus-"));
  const configFile = join(import.meta.dirname, "..", "prometheus.yml");
  let current: PeerProcess | undefined;
  const start = async () => {
    current = await startPeer({
      name: "prometheus",
      command: join(bin, "prometheus"),
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-remote-write-receiver",
        "--storage.tsdb.retention.time=1d",
      ],
      ready: () => answers(`${url}/-/ready`),
    });
  };
  await start();
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const response = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: T } };
    if (body.status !== "success") throw new PromQLError(`${params.query}: ${body.error ?? response.status}`);
    return body.data.result;
  };
  const seconds = (d: Date) => String(d.getTime() / 1000);
  return {
    url,
    remoteWriteUrl: `${url}/api/v1/write`,
    process: () => {
      if (!current) throw new Error("prometheus is not running");
      return current;
    },
    stop: async () => {
      await current?.stop();
      current = undefined;
    },
    start,
    destroy: async () => {
      await current?.stop();
      current = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
    query: (promql, time) =>
      api<PromSample[]>("/api/v1/query", { query: promql, ...(time ? { time: seconds(time) } : {}) }),
    rawSamples: (selector, seconds) =>
      api<PromSeries[]>("/api/v1/query", { query: `${selector}[${seconds}s]` }),
    queryRange: (promql, start, end, step) =>
      api<PromSeries[]>("/api/v1/query_range", {
        query: promql,
        start: seconds(start),
        end: seconds(end),
        step: String(step),
      }),
  };
}
