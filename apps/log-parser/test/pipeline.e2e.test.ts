import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createHandler, type HandlerResult } from "../src/handler.js";
import { NAMESPACE } from "../src/metrics.js";

const run = promisify(execFile);
const here = import.meta.dirname;
const BUCKET = "trackgraph-e2e-logs";
const TABLE = "trackgraph-e2e-idempotency";
let moto: MotoServer;
let s3: S3Client;
let cloudwatch: CloudWatchClient;
const work = mkdtempSync(join(tmpdir(), "log-parser-e2e-"));

/** A log of `lines` requests spread over the `minutes` minutes before `end`, with varied latencies. */
function makeLog(lines: number, minutes: number, end: Date, seed: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const statuses = ["200", "200", "304", "404", "503", "000"];
  const results = ["Hit", "RefreshHit", "Miss", "Error"];
  const rows = [
    "#Version: 1.0",
    "#Fields: date time x-edge-location sc-bytes c-ip sc-status x-edge-result-type cs-bytes time-taken time-to-first-byte",
  ];
  for (let i = 0; i < lines; i++) {
    const at = new Date(end.getTime() - minutes * 60_000 + Math.floor((i / lines) * minutes * 60_000));
    const taken = (next() * 2.5).toFixed(3);
    rows.push(
      [
        at.toISOString().slice(0, 10),
        at.toISOString().slice(11, 19),
        "FRA56-P4",
        String(Math.floor(next() * 90_000)),
        "2001:db8::7",
        statuses[Math.floor(next() * statuses.length)],
        results[Math.floor(next() * results.length)],
        String(100 + Math.floor(next() * 900)),
        taken,
        (Number(taken) * 0.7).toFixed(3),
      ].join("\t"),
    );
  }
  return `${rows.join("\n")}\n`;
}

interface Summary {
  records: number;
  requests: Record<string, number>;
  bytesSent: number;
  cacheHits: number;
  cacheMisses: number;
  perMinute: Record<string, number>;
}

// The package's built CLI, run with node: a bin link to dist/ would not exist on a fresh install.
const cfLogsCli = join(
  dirname(createRequire(import.meta.url).resolve("@trackgraph/cloudfront-logs/package.json")),
  "dist",
  "cli.js",
);

async function cfLogs(files: string[]): Promise<Summary> {
  const { stdout } = await run(process.execPath, [cfLogsCli, "summarize", "--json", ...files]);
  return JSON.parse(stdout) as Summary;
}

async function upload(name: string, body: Buffer): Promise<{ key: string; versionId: string }> {
  const key = `cloudfront/${name}`;
  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return { key, versionId: put.VersionId ?? "" };
}

const s3Event = (key: string, versionId: string) => ({
  Records: [
    {
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: BUCKET }, object: { key, versionId } },
    },
  ],
});
const context = (ms = 60_000) =>
  ({
    functionName: "log-parser-e2e",
    awsRequestId: `r${Date.now()}`,
    getRemainingTimeInMillis: () => ms,
  }) as unknown as Context;

/** What CloudWatch holds for one distribution: requests per minute and totals, read with GetMetricData. */
async function readBack(distributionId: string, from: Date, to: Date) {
  // moto's GetMetricData ignores the namespace it is asked for, so the namespace is checked on its own.
  const { Metrics } = await cloudwatch.send(
    new ListMetricsCommand({
      Namespace: NAMESPACE,
      Dimensions: [{ Name: "DistributionId", Value: distributionId }],
    }),
  );
  expect(Metrics?.map((m) => m.MetricName)).toContain("Requests");
  const metric = (id: string, name: string, stat = "Sum") => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: name,
        Dimensions: [{ Name: "DistributionId", Value: distributionId }],
      },
      Period: 60,
      Stat: stat,
    },
  });
  const { MetricDataResults } = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      ScanBy: "TimestampAscending",
      MetricDataQueries: [
        metric("requests", "Requests"),
        metric("s2xx", "Requests2xx"),
        metric("s3xx", "Requests3xx"),
        metric("s4xx", "Requests4xx"),
        metric("s5xx", "Requests5xx"),
        metric("other", "RequestsOtherStatus"),
        metric("bytes", "BytesDownloaded"),
        metric("hits", "CacheHits"),
        metric("misses", "CacheMisses"),
        metric("latencyCount", "TimeTaken", "SampleCount"),
      ],
    }),
  );
  const series: Record<string, MetricDataResult> = Object.fromEntries(
    (MetricDataResults ?? []).map((r): [string, MetricDataResult] => [r.Id ?? "", r]),
  );
  const total = (id: string) => (series[id]?.Values ?? []).reduce((a, b) => a + b, 0);
  const perMinute: Record<string, number> = {};
  series.requests?.Timestamps?.forEach((t, i) => {
    perMinute[`${t.toISOString().slice(0, 16)}Z`] = series.requests?.Values?.[i] ?? 0;
  });
  return {
    records: total("requests"),
    requests: {
      "2xx": total("s2xx"),
      "3xx": total("s3xx"),
      "4xx": total("s4xx"),
      "5xx": total("s5xx"),
      other: total("other"),
    },
    bytesSent: total("bytes"),
    cacheHits: total("hits"),
    cacheMisses: total("misses"),
    perMinute,
    latencySamples: total("latencyCount"),
  };
}

const expectSame = (got: Awaited<ReturnType<typeof readBack>>, want: Summary) => {
  expect(got.perMinute).toEqual(want.perMinute);
  expect({ ...got, perMinute: undefined, latencySamples: undefined }).toEqual({
    records: want.records,
    requests: want.requests,
    bytesSent: want.bytesSent,
    cacheHits: want.cacheHits,
    cacheMisses: want.cacheMisses,
    perMinute: undefined,
    latencySamples: undefined,
  });
  expect(got.latencySamples).toBe(want.records);
};

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    IDEMPOTENCY_TABLE: TABLE,
    LOG_PREFIX: "cloudfront/",
  });
  s3 = new S3Client(moto.clientConfig);
  cloudwatch = new CloudWatchClient(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }),
  );
  await new DynamoDBClient(moto.clientConfig).send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    }),
  );
});
afterAll(async () => {
  await moto?.stop();
});

describe("log objects in S3 become TrackGraph/CloudFront metrics (moto: S3, DynamoDB, CloudWatch)", () => {
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);

  it("publishes exactly what cf-logs summarizes, and a second delivery of the same event changes nothing", async () => {
    const files = [
      ["E1PIPELINEA.2026-11-25-10.aaaa.gz", makeLog(4000, 20, end, 1)],
      ["E1PIPELINEA.2026-11-25-10.bbbb.gz", makeLog(2500, 12, end, 2)],
    ] as const;
    const paths: string[] = [];
    const handler = createHandler(loadConfig());
    const events = [];
    for (const [name, text] of files) {
      const gz = gzipSync(text);
      const path = join(work, name);
      writeFileSync(path, gz);
      paths.push(path);
      const { key, versionId } = await upload(name, gz);
      events.push(s3Event(key, versionId));
    }
    for (const event of events) {
      const result = (await handler(event, context())) as HandlerResult;
      expect(result.processed[0]).toMatchObject({ status: "published", truncated: false });
    }
    const want = await cfLogs(paths);
    const from = new Date(end.getTime() - 30 * 60_000);
    expectSame(await readBack("E1PIPELINEA", from, end), want);

    // S3 delivers at least once: the same notifications again must not add anything.
    for (const event of events) await handler(event, context());
    await createHandler(loadConfig())(events[0], context());
    expectSame(await readBack("E1PIPELINEA", from, end), want);
  });

  it("reads the notification S3 itself sends to SQS, in Lambda's SQS event shape", async () => {
    const sqs = new SQSClient(moto.clientConfig);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "log-notifications" }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const bucket = "trackgraph-e2e-notified";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              QueueArn: Attributes?.QueueArn,
              Events: ["s3:ObjectCreated:*"],
              Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "cloudfront/" }] } },
            },
          ],
        },
      }),
    );
    const name = "E3SQSWRAPPD.2026-11-25-10.dddd.gz";
    const gz = gzipSync(makeLog(1500, 8, end, 4));
    const path = join(work, name);
    writeFileSync(path, gz);
    // A key with a space and a plus: S3 encodes them in the notification, the handler must decode them.
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `cloudfront/with space+plus/${name}`, Body: gz }),
    );
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages?.length).toBeGreaterThan(0);
    const event = {
      Records: (Messages ?? []).map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        eventSource: "aws:sqs",
      })),
    };
    expect(await createHandler(loadConfig())(event, context())).toEqual({ batchItemFailures: [] });
    expectSame(
      await readBack("E3SQSWRAPPD", new Date(end.getTime() - 20 * 60_000), end),
      await cfLogs([path]),
    );
  });

  it("resumes after a crash in the middle of publishing without sending any batch twice", async () => {
    const name = "E2CRASHTEST.2026-11-25-10.cccc.gz";
    const gz = gzipSync(makeLog(60_000, 60, end, 3));
    const path = join(work, name);
    writeFileSync(path, gz);
    const { key, versionId } = await upload(name, gz);

    // A loopback proxy in front of moto counts PutMetricData calls and kills the function's process
    // (SIGKILL: no cleanup, no error handling) when the fourth arrives, before moto sees it.
    let puts = 0;
    let killed = false;
    let victim: ChildProcess | undefined;
    const proxy: Server = createServer((req, res) => {
      if (String(req.headers["x-amz-target"] ?? "").endsWith("PutMetricData") && ++puts === 4) {
        killed = victim?.kill("SIGKILL") ?? false;
        req.socket.destroy();
        return;
      }
      const upstream = request(
        `${moto.endpoint}${req.url}`,
        { method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const address = proxy.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const invoke = join(here, "..", "dist", "invoke.js");
    victim = spawn(
      process.execPath,
      [invoke, path, "--bucket", BUCKET, "--key", key, "--no-upload", "--timeout-ms", "3000"],
      {
        env: { ...process.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
        stdio: "ignore",
      },
    );
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      victim?.once("exit", (code, signal) => resolve({ code, signal })),
    );
    proxy.close();
    expect(killed).toBe(true);
    expect(exit.signal).toBe("SIGKILL");

    // The killed attempt's INPROGRESS record expires with its Lambda timeout (3 s here); then the retry runs.
    await new Promise((r) => setTimeout(r, 3500));
    const result = (await createHandler(loadConfig())(s3Event(key, versionId), context())) as HandlerResult;
    expect(result.processed[0]?.batchesResumed).toBe(3);
    expect(result.processed[0]?.batchesSent).toBe((result.processed[0]?.batches ?? 0) - 3);

    const want = await cfLogs([path]);
    expectSame(await readBack("E2CRASHTEST", new Date(end.getTime() - 70 * 60_000), end), want);
  });
});
