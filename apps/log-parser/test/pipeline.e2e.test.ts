import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createHandler, type HandlerResult } from "../src/handler.js";
import { NAMESPACE } from "../src/metrics.js";
import {
  cfLogs,
  context,
  expectSame,
  makeLog,
  pipelineWorld,
  readBack as readBackFrom,
  s3Event as s3EventFor,
} from "./e2e-helpers.js";

const here = import.meta.dirname;
const BUCKET = "trackgraph-e2e-logs";
const TABLE = "trackgraph-e2e-idempotency";
let moto: MotoServer;
let s3: S3Client;
let cloudwatch: CloudWatchClient;
const work = mkdtempSync(join(tmpdir(), "log-parser-e2e-"));

async function upload(name: string, body: Buffer): Promise<{ key: string; versionId: string }> {
  const key = `cloudfront/${name}`;
  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return { key, versionId: put.VersionId ?? "" };
}

const s3Event = (key: string, versionId: string) => s3EventFor(BUCKET, key, versionId);
const readBack = (distributionId: string, from: Date, to: Date) =>
  readBackFrom(cloudwatch, distributionId, from, to);

beforeAll(async () => {
  moto = await startMoto();
  ({ s3, cloudwatch } = await pipelineWorld(moto, { bucket: BUCKET, table: TABLE }));
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

  it("skips an object deleted before it was read (NoSuchKey) and a deleted version (NoSuchVersion), without an error", async () => {
    const plain = "trackgraph-e2e-unversioned";
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    const gz = gzipSync(makeLog(10, 2, end, 5));
    const gone = "cloudfront/E4GONE.2026-11-25-10.eeee.gz";
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: gone, Body: gz }));
    await s3.send(new DeleteObjectCommand({ Bucket: plain, Key: gone }));
    const { key, versionId } = await upload("E4GONE.2026-11-25-10.ffff.gz", gz);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }));

    const handler = createHandler(loadConfig());
    const events = [
      {
        Records: [
          {
            eventSource: "aws:s3",
            eventName: "ObjectCreated:Put",
            s3: { bucket: { name: plain }, object: { key: gone } },
          },
        ],
      },
      s3Event(key, versionId),
    ];
    for (const [i, event] of events.entries()) {
      const result = (await handler(event, context())) as HandlerResult;
      expect(result, `event ${i}`).toMatchObject({ processed: [{ status: "missing" }], rejected: [] });
    }
  });

  it("publishes a backfill older than two weeks without its old minutes, and counts them in DroppedOutOfWindow", async () => {
    const old = new Date(end.getTime() - 15 * 24 * 3600_000);
    const text = makeLog(300, 3, old, 6) + makeLog(500, 5, end, 7).split("\n").slice(2).join("\n");
    const name = "E5BACKFILL.2026-11-25-10.gggg.gz";
    const gz = gzipSync(text);
    const path = join(work, name);
    writeFileSync(path, gz);
    const { key, versionId } = await upload(name, gz);
    const result = (await createHandler(loadConfig())(s3Event(key, versionId), context())) as HandlerResult;
    expect(result.processed[0]).toMatchObject({ status: "published", records: 800, droppedOutOfWindow: 300 });
    const recent = await readBack("E5BACKFILL", new Date(end.getTime() - 10 * 60_000), end);
    expect(recent.records).toBe(500);
    const { MetricDataResults } = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 3600_000),
        EndTime: new Date(Date.now() + 600_000),
        MetricDataQueries: [
          {
            Id: "dropped",
            MetricStat: {
              Metric: {
                Namespace: NAMESPACE,
                MetricName: "DroppedOutOfWindow",
                Dimensions: [{ Name: "DistributionId", Value: "E5BACKFILL" }],
              },
              Period: 60,
              Stat: "Sum",
            },
          },
        ],
      }),
    );
    expect(MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0)).toBe(300);
    // Published plus dropped is every request of the log.
    expect(recent.records + 300).toBe((await cfLogs([path])).records);
  });

  it("rejects a null event and a bad % escape without retry, into the dead-letter queue", async () => {
    const sqs = new SQSClient(moto.clientConfig);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "log-parser-failures" }));
    const handler = createHandler({ ...loadConfig(), deadLetterQueueUrl: QueueUrl ?? "" });
    const badKey = s3Event("cloudfront/E6BADKEY.2026-11-25-10.%E0%A4%A.gz", "v1");
    expect(await handler(null, context())).toMatchObject({
      rejected: [{ code: "EVENT_NOT_OBJECT", deadLettered: true }],
    });
    expect(await handler(badKey, context())).toMatchObject({
      rejected: [{ code: "KEY_ENCODING", deadLettered: true }],
    });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    expect(Messages?.map((m) => m.MessageAttributes?.ErrorCode?.StringValue).sort()).toEqual([
      "EVENT_NOT_OBJECT",
      "KEY_ENCODING",
    ]);
    const records = (Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}"));
    expect(records.find((r) => r.responsePayload.errorCode === "KEY_ENCODING")).toMatchObject({
      requestContext: { condition: "RejectedWithoutRetry" },
      requestPayload: badKey,
    });
  });
});
