import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  awsJsonError,
  type Fault,
  type FaultProxy,
  type MotoServer,
  type ProxiedRequest,
  type ProxyRecord,
  startFaultProxy,
  startMoto,
} from "@trackgraph/test-peers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createHandler, type HandlerResult } from "../src/handler.js";
import { NAMESPACE } from "../src/metrics.js";
import type { ObjectResult } from "../src/process-object.js";
import { cfLogs, context, makeLog, pipelineWorld, readBack, type Summary, s3Event } from "./e2e-helpers.js";

// The function under test talks to moto through a fault-injecting HTTP proxy on loopback: its own SDK
// clients, retries, Powertools idempotency layer and progress store are all real; only the wire misbehaves.
// Each case ends by reading the metrics back from moto and comparing them with cf-logs' count of the log.

const here = import.meta.dirname;
const BUCKET = "trackgraph-faults-logs";
const TABLE = "trackgraph-faults-idempotency";
const work = mkdtempSync(join(tmpdir(), "log-parser-faults-"));
const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
let moto: MotoServer;
let proxy: FaultProxy;
let cloudwatch: CloudWatchClient;
let s3: S3Client;

interface LogObject {
  distributionId: string;
  key: string;
  versionId: string;
  path: string;
  want: Summary;
  event: ReturnType<typeof s3Event>;
}

/** A log of 30,000 requests over 30 minutes for a distribution of its own, in the bucket. */
async function logObject(distributionId: string, seed: number): Promise<LogObject> {
  const name = `${distributionId}.2026-11-25-10.${seed}.gz`;
  const gz = gzipSync(makeLog(30_000, 30, end, seed));
  const path = join(work, name);
  writeFileSync(path, gz);
  const key = `cloudfront/${name}`;
  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gz }));
  const versionId = put.VersionId ?? "";
  return {
    distributionId,
    key,
    versionId,
    path,
    want: await cfLogs([path]),
    event: s3Event(BUCKET, key, versionId),
  };
}

const isPut = (r: { operation: string; body: Buffer }, id: string) =>
  r.operation === "PutMetricData" && r.body.includes(`"${id}"`);
/**
 * Case 4a's faults: the 1st, 2nd, 3rd and 6th PutMetricData of the distribution, the 1st PutItem and
 * GetItem, and the 1st and 4th UpdateItem are throttled; everything else reaches moto.
 */
function throttlingRule(distributionId: string): (r: ProxiedRequest) => Fault | undefined {
  const counts = { cw: 0, put: 0, get: 0, update: 0 };
  const cloudWatchFault = (): Fault | undefined => {
    const n = ++counts.cw;
    if (n === 1 || n === 2) return awsJsonError(400, "Throttling", "Rate exceeded");
    if (n === 3 || n === 6) return awsJsonError(429, "TooManyRequestsException", "Too many requests");
    return undefined;
  };
  return (r) => {
    if (isPut(r, distributionId)) {
      const fault = cloudWatchFault();
      if (fault !== undefined) return fault;
    }
    if (r.operation === "PutItem" && ++counts.put === 1)
      return awsJsonError(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
    if (r.operation === "GetItem" && ++counts.get === 1)
      return awsJsonError(400, "ProvisionedThroughputExceededException", "Throughput exceeded");
    if (r.operation === "UpdateItem" && [1, 4].includes(++counts.update))
      return awsJsonError(429, "ThrottlingException", "Too many requests");
    return undefined;
  };
}

/** The progress writes of one object: `begin` (ADD sending) and `record` (ADD batches). */
const progressWrite = (r: ProxiedRequest, kind: "sending" | "batches", batch?: number) =>
  r.operation === "UpdateItem" &&
  r.body.includes(`ADD ${kind} :batch`) &&
  (batch === undefined || r.body.includes(`"NS":["${batch}"]`));

interface Datum {
  MetricName: string;
  Value?: number;
  Counts?: number[];
  Values?: number[];
  Timestamp: number | string;
}
const data = (record: ProxyRecord): Datum[] =>
  (JSON.parse(record.body.toString()) as { MetricData: Datum[] }).MetricData;
const minuteKey = (t: number | string) =>
  `${new Date(typeof t === "number" ? t * 1000 : t).toISOString().slice(0, 16)}Z`;
/** What one datum adds to its metric: a counter's value, a distribution's samples. */
const amount = (d: Datum) =>
  d.Counts !== undefined ? d.Counts.reduce((a, b) => a + b, 0) : (d.Values?.length ?? d.Value ?? 0);

/**
 * The plan batches moto stored more than once for one distribution (from the proxy's log of what reached
 * moto and was accepted): every extra copy is one batch counted twice.
 */
function extraCopies(id: string): ProxyRecord[] {
  const seen = new Set<string>();
  const extra: ProxyRecord[] = [];
  for (const r of proxy.log) {
    if (!isPut(r, id) || r.upstreamStatus !== 200 || data(r).some((d) => d.MetricName === "BatchesResent"))
      continue;
    const body = r.body.toString();
    if (seen.has(body)) extra.push(r);
    seen.add(body);
  }
  return extra;
}

async function batchesResentMetric(id: string): Promise<number> {
  const { MetricDataResults } = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 3600_000),
      EndTime: new Date(Date.now() + 600_000),
      MetricDataQueries: [
        {
          Id: "resent",
          MetricStat: {
            Metric: {
              Namespace: NAMESPACE,
              MetricName: "BatchesResent",
              Dimensions: [{ Name: "DistributionId", Value: id }],
            },
            Period: 60,
            Stat: "Sum",
          },
        },
      ],
    }),
  );
  return (MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
}

/**
 * The closing comparison of every case: what CloudWatch holds against the log's true counts (cf-logs),
 * metric by metric and minute by minute. A batch moto stored twice must show up as exactly its own data
 * and nothing else; returns that measured over-count (all zero when exactly once held).
 */
async function compare(object: LogObject, results: ObjectResult[]) {
  const got = await readBack(cloudwatch, object.distributionId, new Date(end.getTime() - 40 * 60_000), end);
  const want = object.want;
  const expected = {
    records: want.records,
    requests: { ...want.requests },
    bytesSent: want.bytesSent,
    cacheHits: want.cacheHits,
    cacheMisses: want.cacheMisses,
    perMinute: { ...want.perMinute },
    latencySamples: want.records,
  };
  const extra = extraCopies(object.distributionId);
  const overCount: Record<string, number> = {};
  const classes: Record<string, string> = {
    Requests2xx: "2xx",
    Requests3xx: "3xx",
    Requests4xx: "4xx",
    Requests5xx: "5xx",
    RequestsOtherStatus: "other",
  };
  for (const d of extra.flatMap(data)) {
    const n = amount(d);
    overCount[d.MetricName] = (overCount[d.MetricName] ?? 0) + n;
    const statusClass = classes[d.MetricName];
    if (d.MetricName === "Requests") {
      expected.records += n;
      const minute = minuteKey(d.Timestamp);
      expected.perMinute[minute] = (expected.perMinute[minute] ?? 0) + n;
    } else if (statusClass !== undefined)
      expected.requests[statusClass] = (expected.requests[statusClass] ?? 0) + n;
    else if (d.MetricName === "BytesDownloaded") expected.bytesSent += n;
    else if (d.MetricName === "CacheHits") expected.cacheHits += n;
    else if (d.MetricName === "CacheMisses") expected.cacheMisses += n;
    else if (d.MetricName === "TimeTaken") expected.latencySamples += n;
  }
  expect(got).toEqual(expected);
  // Every batch stored twice was reported, by the result and by the BatchesResent metric.
  const reported = results.reduce((n, r) => n + r.batchesResent, 0);
  expect(reported).toBe(extra.length);
  expect(await batchesResentMetric(object.distributionId)).toBe(reported);
  return { extraBatches: extra.length, extraData: extra.reduce((n, r) => n + data(r).length, 0), overCount };
}

const published = (result: unknown) => (result as HandlerResult).processed[0] as ObjectResult;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  // The function's clients go through the proxy; the test's own clients talk to moto directly.
  ({ s3, cloudwatch } = await pipelineWorld(moto, { bucket: BUCKET, table: TABLE }, proxy.url));
});
afterEach(() => {
  proxy.rule = undefined;
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

const figures: Record<string, unknown> = {};
afterAll(() => {
  // The measured at-least-once window of each case, for the README.
  console.log(`fault cases, measured:\n${JSON.stringify(figures, null, 2)}`);
});

describe("fault cases against moto behind a fault-injecting proxy", () => {
  it("1a. CloudWatch accepts a batch, its progress write fails once: the SDK retries it, nothing is sent twice", async () => {
    const object = await logObject("E1FAULTPROGA", 11);
    let failed = 0;
    proxy.rule = (r) =>
      progressWrite(r, "batches", 1) && failed++ === 0
        ? awsJsonError(500, "InternalServerError", "Internal server error")
        : undefined;
    const result = published(await createHandler(loadConfig())(object.event, context()));
    expect(failed).toBe(2);
    expect(result).toMatchObject({ status: "published", batchesResent: 0 });
    expect(result.batches).toBeGreaterThanOrEqual(3);
    figures["1a"] = await compare(object, [result]);
    expect(figures["1a"]).toEqual({ extraBatches: 0, extraData: 0, overCount: {} });
  });

  it("1b. CloudWatch accepts a batch, its progress write keeps failing: the retry resends that one batch and reports it", async () => {
    const object = await logObject("E1FAULTPROGB", 12);
    proxy.rule = (r) =>
      progressWrite(r, "batches", 2)
        ? awsJsonError(500, "InternalServerError", "Internal server error")
        : undefined;
    const handler = createHandler(loadConfig());
    const mark = proxy.log.length;
    await expect(handler(object.event, context())).rejects.toMatchObject({
      name: "PublishError",
      batchIndex: 2,
    });
    // DynamoDB's client tried the write four times (its default); CloudWatch had accepted the batch once.
    expect(proxy.log.slice(mark).filter((r) => r.fault === "respond")).toHaveLength(4);

    proxy.rule = undefined;
    const retry = published(await handler(object.event, context()));
    expect(retry).toMatchObject({ status: "published", batchesResumed: 2, batchesResent: 1 });
    figures["1b"] = await compare(object, [retry]);
    expect(figures["1b"]).toMatchObject({ extraBatches: 1 });
  });

  it("2. the Lambda dies between CloudWatch's accept and the progress write: the retry resends that one batch and reports it", async () => {
    const object = await logObject("E2FAULTDEATH", 21);
    let victim: ChildProcess | undefined;
    let puts = 0;
    proxy.rule = (r): Fault | undefined =>
      isPut(r, object.distributionId) && ++puts === 3
        ? { kind: "forward-then", after: () => void victim?.kill("SIGKILL"), answer: false }
        : undefined;
    victim = spawn(
      process.execPath,
      [
        join(here, "..", "dist", "invoke.js"),
        object.path,
        "--bucket",
        BUCKET,
        "--key",
        object.key,
        "--no-upload",
        "--timeout-ms",
        "3000",
      ],
      { env: { ...process.env }, stdio: ["ignore", "ignore", "inherit"] },
    );
    const exit = await new Promise<string | null>((resolve) =>
      victim?.once("exit", (_c, signal) => resolve(signal)),
    );
    expect(exit).toBe("SIGKILL");
    const third = proxy.log.filter((r) => isPut(r, object.distributionId))[2];
    expect(third).toMatchObject({ fault: "forward-then", upstreamStatus: 200 });

    // The killed attempt's INPROGRESS record expires with its Lambda timeout (3 s); then Lambda's retry runs.
    proxy.rule = undefined;
    await new Promise((r) => setTimeout(r, 3500));
    const retry = published(await createHandler(loadConfig())(object.event, context()));
    expect(retry).toMatchObject({ status: "published", batchesResumed: 2, batchesResent: 1 });
    figures["2"] = await compare(object, [retry]);
    expect(figures["2"]).toMatchObject({ extraBatches: 1 });
  });

  it("3. two concurrent deliveries of the same object: one publishes, the other fails in progress and its retry returns the stored result", async () => {
    const object = await logObject("E3FAULTTWICE", 31);
    // Slow CloudWatch down so the second delivery arrives while the first holds the object.
    proxy.rule = (r) => (isPut(r, object.distributionId) ? { kind: "delay", ms: 300 } : undefined);
    const [a, b] = [createHandler(loadConfig()), createHandler(loadConfig())];
    const outcomes = await Promise.allSettled([a(object.event, context()), b(object.event, context())]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o) => o.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
      name: "IdempotencyAlreadyInProgressError",
    });
    const first = published((fulfilled[0] as PromiseFulfilledResult<unknown>).value);

    const putsBefore = proxy.log.filter((r) => isPut(r, object.distributionId)).length;
    const loser = outcomes[0]?.status === "rejected" ? a : b;
    const retry = published(await loser(object.event, context()));
    expect(retry).toEqual(first);
    expect(proxy.log.filter((r) => isPut(r, object.distributionId))).toHaveLength(putsBefore);
    figures["3"] = await compare(object, [first]);
    expect(figures["3"]).toEqual({ extraBatches: 0, extraData: 0, overCount: {} });
  });

  it("4a. throttling from CloudWatch (400 Throttling, 429) and DynamoDB (400 ThrottlingException, 429) within the SDK's retries: exactly once", async () => {
    const object = await logObject("E4FAULTTHROT", 41);
    proxy.rule = throttlingRule(object.distributionId);
    const mark = proxy.log.length;
    const result = published(await createHandler(loadConfig())(object.event, context()));
    expect(result).toMatchObject({ status: "published", batchesResent: 0 });
    const answered = proxy.log.slice(mark).filter((r) => r.fault === "respond");
    expect(answered.map((r) => `${r.operation} ${r.status}`).sort()).toEqual([
      "GetItem 400",
      "PutItem 400",
      "PutMetricData 400",
      "PutMetricData 400",
      "PutMetricData 429",
      "PutMetricData 429",
      "UpdateItem 429",
      "UpdateItem 429",
    ]);
    figures["4a"] = await compare(object, [result]);
    expect(figures["4a"]).toEqual({ extraBatches: 0, extraData: 0, overCount: {} });
  });

  it("4b. CloudWatch keeps throttling one batch past the SDK's retries: the invocation fails, the retry resumes, nothing is sent twice", async () => {
    const object = await logObject("E4FAULTSTORM", 42);
    const bodies: string[] = [];
    proxy.rule = (r) => {
      if (!isPut(r, object.distributionId)) return undefined;
      const body = r.body.toString();
      if (!bodies.includes(body)) bodies.push(body);
      return bodies.indexOf(body) === 1 ? awsJsonError(400, "Throttling", "Rate exceeded") : undefined;
    };
    const handler = createHandler(loadConfig());
    await expect(handler(object.event, context())).rejects.toMatchObject({
      name: "PublishError",
      batchIndex: 1,
    });
    expect(proxy.log.filter((r) => isPut(r, object.distributionId) && r.fault === "respond")).toHaveLength(5);

    proxy.rule = undefined;
    const retry = published(await handler(object.event, context()));
    expect(retry).toMatchObject({ status: "published", batchesResumed: 1, batchesResent: 0 });
    figures["4b"] = await compare(object, [retry]);
    expect(figures["4b"]).toEqual({ extraBatches: 0, extraData: 0, overCount: {} });
  });

  it("5. CloudWatch accepts a batch but its answer is lost: the SDK's retry stores it twice, and the function reports it", async () => {
    const object = await logObject("E5FAULTLOST", 51);
    const bodies: string[] = [];
    let lost = 0;
    proxy.rule = (r): Fault | undefined => {
      if (!isPut(r, object.distributionId)) return undefined;
      const body = r.body.toString();
      if (!bodies.includes(body)) bodies.push(body);
      return bodies.indexOf(body) === 1 && lost++ === 0 ? { kind: "forward-then", answer: false } : undefined;
    };
    const result = published(await createHandler(loadConfig())(object.event, context()));
    expect(result).toMatchObject({ status: "published", batchesResent: 1 });
    figures["5"] = await compare(object, [result]);
    expect(figures["5"]).toMatchObject({ extraBatches: 1 });
  });
});
