import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { sdkStreamMixin } from "@smithy/util-stream";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createHandler, type HandlerResult } from "../src/handler.js";

const s3 = mockClient(S3Client);
const cloudwatch = mockClient(CloudWatchClient);
const sqsMock = mockClient(SQSClient);
// Powertools and our progress store both talk to DynamoDB through the document client.
const dynamo = mockClient(DynamoDBDocumentClient);

const lastHour = new Date(Date.now() - 60 * 60_000);
const day = lastHour.toISOString().slice(0, 10);
const hh = lastHour.toISOString().slice(11, 13);
const log = `#Version: 1.0
#Fields: date time sc-status sc-bytes cs-bytes x-edge-result-type time-taken time-to-first-byte
${day}\t${hh}:01:02\t200\t100\t10\tHit\t0.010\t0.005
${day}\t${hh}:02:30\t503\t50\t12\tError\t1.500\t-
`;

const body = (bytes: Buffer) => sdkStreamMixin(Readable.from([bytes]));
const context = {
  functionName: "log-parser",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;
const config = {
  logPrefix: "cloudfront/",
  idempotencyTable: "idem",
  idempotencyTtlSeconds: 3600,
  publishConcurrency: 1,
  s3ForcePathStyle: false,
  maxLineBytes: 65536,
};
const DLQ = "https://sqs.us-east-1.amazonaws.com/000000000000/log-parser-failures";
const s3Event = (key: string, versionId = "v1") => ({
  Records: [
    {
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: "logs" }, object: { key, versionId } },
    },
  ],
});

beforeEach(() => {
  s3.reset();
  cloudwatch.reset();
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: "m" });
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(GetCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
  cloudwatch.on(PutMetricDataCommand).resolves({});
});

const published = () =>
  cloudwatch.commandCalls(PutMetricDataCommand).flatMap((call) => call.args[0].input.MetricData ?? []);
const sum = (name: string) =>
  published()
    .filter((d) => d.MetricName === name)
    .reduce((n, d) => n + (d.Value ?? 0), 0);

describe("log-parser handler", () => {
  it("publishes the metrics of an object from an S3 notification, in TrackGraph/CloudFront", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(gzipSync(log)), LastModified: new Date() });
    const result = (await createHandler(config)(
      s3Event("cloudfront/E1ABCDEF.2026-11-25-10.abc.gz"),
      context,
    )) as HandlerResult;
    expect(result.processed).toMatchObject([
      { status: "published", records: 2, malformed: 0, truncated: false, batches: 1, batchesSent: 1 },
    ]);
    expect(cloudwatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.Namespace).toBe(
      "TrackGraph/CloudFront",
    );
    expect(sum("Requests")).toBe(2);
    expect(sum("Requests5xx")).toBe(1);
    expect(published().every((d) => d.Dimensions?.[0]?.Value === "E1ABCDEF")).toBe(true);
    // progress recorded for the batch, after CloudWatch accepted it
    expect(
      dynamo
        .commandCalls(UpdateCommand)
        .some((c) => String(c.args[0].input.UpdateExpression).startsWith("ADD batches")),
    ).toBe(true);
  });

  it("reads the same object from SQS-wrapped and EventBridge events", async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(gzipSync(log)), LastModified: new Date() }));
    const handler = createHandler(config);
    const sqs = {
      Records: [
        { eventSource: "aws:sqs", messageId: "m1", body: JSON.stringify(s3Event("cloudfront/a.gz")) },
      ],
    };
    expect(await handler(sqs, context)).toEqual({ batchItemFailures: [] });
    const eventBridge = {
      source: "aws.s3",
      "detail-type": "Object Created",
      detail: { bucket: { name: "logs" }, object: { key: "cloudfront/b.gz", "version-id": "v9" } },
    };
    expect(((await handler(eventBridge, context)) as HandlerResult).processed).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      "cloudfront/a.gz",
      "cloudfront/b.gz",
    ]);
  });

  it("skips objects that are not access logs, with a reason and no error", async () => {
    const handler = createHandler(config);
    const result = (await handler(
      {
        Records: [
          ...s3Event("s3-access/site/x").Records,
          ...s3Event("cloudfront/part.parquet").Records,
          ...s3Event("cloudfront/").Records,
        ],
      },
      context,
    )) as HandlerResult;
    expect(result.processed).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'outside the log prefix "cloudfront/"',
      "Parquet output, which this function does not read (deliver W3C or JSON)",
      "a folder marker",
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it("publishes what a truncated object held, counts it, and does not fail (a retry would read the same bytes)", async () => {
    const many = `${log}${Array.from({ length: 3000 }, (_, i) => `${day}\t${hh}:03:${String(i % 60).padStart(2, "0")}\t200\t1\t1\tMiss\t0.001\t0.001`).join("\n")}\n`;
    const whole = gzipSync(many);
    s3.on(GetObjectCommand).resolves({
      Body: body(whole.subarray(0, Math.floor(whole.length / 2))),
      LastModified: new Date(),
    });
    const result = (await createHandler(config)(s3Event("cloudfront/cut.gz"), context)) as HandlerResult;
    expect(result.processed[0]).toMatchObject({ status: "published", truncated: true });
    expect(sum("TruncatedObjects")).toBe(1);
    expect(sum("Requests")).toBe(result.processed[0]?.records);
    expect(sum("Requests")).toBeGreaterThan(0);
  });

  it("treats an object or version deleted before it was read as a logged skip, not an error", async () => {
    const gone = (name: string, status: number) =>
      new S3ServiceException({
        name,
        $fault: "client",
        message: name,
        $metadata: { httpStatusCode: status },
      });
    s3.on(GetObjectCommand, { Key: "cloudfront/gone.gz" }).rejects(
      new NoSuchKey({ message: "gone", $metadata: {} }),
    );
    s3.on(GetObjectCommand, { Key: "cloudfront/old-version.gz" }).rejects(gone("NoSuchVersion", 404));
    s3.on(GetObjectCommand, { Key: "cloudfront/delete-marker.gz" }).rejects(gone("MethodNotAllowed", 405));
    const handler = createHandler(config);
    for (const key of ["cloudfront/gone.gz", "cloudfront/old-version.gz", "cloudfront/delete-marker.gz"]) {
      const result = (await handler(s3Event(key), context)) as HandlerResult;
      expect(result).toMatchObject({ processed: [{ status: "missing", key }], rejected: [] });
    }
    expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it("keeps AccessDenied an error: without s3:ListBucket a missing key looks like it, but so does a real denial", async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: "Access Denied",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(createHandler(config)(s3Event("cloudfront/denied.gz"), context)).rejects.toMatchObject({
      name: "AccessDenied",
    });
  });

  it("fails the invocation when CloudWatch keeps failing, so Lambda retries it and then sends it to the DLQ", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(gzipSync(log)), LastModified: new Date() });
    cloudwatch
      .on(PutMetricDataCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(createHandler(config)(s3Event("cloudfront/throttled.gz"), context)).rejects.toMatchObject({
      name: "PublishError",
      batchIndex: 0,
    });
  });

  it("reports only the failed SQS message for redelivery", async () => {
    s3.on(GetObjectCommand, { Key: "cloudfront/good.gz" }).resolves({
      Body: body(gzipSync(log)),
      LastModified: new Date(),
    });
    s3.on(GetObjectCommand, { Key: "cloudfront/denied.gz" }).rejects(
      Object.assign(new Error("Access Denied"), { name: "AccessDenied" }),
    );
    const sqs = {
      Records: [
        { eventSource: "aws:sqs", messageId: "ok", body: JSON.stringify(s3Event("cloudfront/good.gz")) },
        { eventSource: "aws:sqs", messageId: "bad", body: JSON.stringify(s3Event("cloudfront/denied.gz")) },
        { eventSource: "aws:sqs", messageId: "junk", body: "not json" },
      ],
    };
    // "junk" can never succeed: it goes to the dead-letter queue instead of being redelivered.
    expect(await createHandler({ ...config, deadLetterQueueUrl: DLQ })(sqs, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: "bad" }],
    });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.MessageBody ?? "")).toMatchObject({
      requestPayload: { messageId: "junk", body: "not json" },
      responsePayload: { errorCode: "BODY_NOT_JSON" },
    });
  });

  it("resumes after the batches an earlier attempt recorded, and refuses progress from another plan", async () => {
    // One delivery time for every attempt, as S3 would report for the same object.
    const delivered = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(gzipSync(log)), LastModified: delivered }));
    const handler = createHandler(config);
    // First attempt: record the plan hash it writes.
    await handler(s3Event("cloudfront/resume.gz", "v1"), context);
    const update = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => String(c.args[0].input.UpdateExpression).startsWith("ADD batches"));
    const planHash = update?.args[0].input.ExpressionAttributeValues?.[":plan"] as string | undefined;
    expect(planHash).toMatch(/^[0-9a-f]{64}$/);

    cloudwatch.resetHistory();
    dynamo.on(GetCommand, { Key: { id: "progress#logs/cloudfront/resume.gz@v2" } }).resolves({
      Item: { id: "progress#logs/cloudfront/resume.gz@v2", planHash, batches: new Set([0]) },
    });
    const resumed = (await handler(s3Event("cloudfront/resume.gz", "v2"), context)) as HandlerResult;
    expect(resumed.processed).toMatchObject([{ batches: 1, batchesSent: 0, batchesResumed: 1 }]);
    expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);

    dynamo.on(GetCommand, { Key: { id: "progress#logs/cloudfront/resume.gz@v3" } }).resolves({
      Item: { id: "progress#logs/cloudfront/resume.gz@v3", planHash: "another plan", batches: new Set([0]) },
    });
    // A retry cannot change the plan back: rejected (and dead-lettered when a queue is set), not thrown.
    expect(await handler(s3Event("cloudfront/resume.gz", "v3"), context)).toMatchObject({
      processed: [],
      rejected: [{ code: "PLAN_CHANGED", deadLettered: false }],
    });
  });
});

describe("events that can never succeed", () => {
  it("rejects a null event, a string and a bad % escape with a code, without throwing, and dead-letters them", async () => {
    const handler = createHandler({ ...config, deadLetterQueueUrl: DLQ });
    const badKey = s3Event("cloudfront/E1.2026-11-25-10.%zz.gz");
    const cases: Array<[unknown, string]> = [
      [null, "EVENT_NOT_OBJECT"],
      ["hello", "EVENT_NOT_OBJECT"],
      [{ hello: 1 }, "EVENT_UNRECOGNIZED"],
      [{ Records: [null] }, "RECORD_NOT_OBJECT"],
      [badKey, "KEY_ENCODING"],
    ];
    for (const [event, code] of cases) {
      expect(await handler(event, context)).toMatchObject({
        processed: [],
        rejected: [{ code, deadLettered: true }],
      });
    }
    const bodies = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(bodies.map((b) => b.QueueUrl)).toEqual(cases.map(() => DLQ));
    expect(bodies.map((b) => b.MessageAttributes?.ErrorCode?.StringValue)).toEqual(cases.map(([, c]) => c));
    expect(JSON.parse(bodies[4]?.MessageBody ?? "")).toMatchObject({
      version: "1.0",
      requestContext: { requestId: "req-1", condition: "RejectedWithoutRetry", approximateInvokeCount: 1 },
      requestPayload: badKey,
      responsePayload: {
        errorType: "UnsupportedEventError",
        errorCode: "KEY_ENCODING",
        errorMessage: 'Records[0]: object key "cloudfront/E1.2026-11-25-10.%zz.gz" is not valid URL encoding',
      },
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it("without a dead-letter queue logs them and still does not throw", async () => {
    expect(await createHandler(config)(null, context)).toMatchObject({
      rejected: [{ code: "EVENT_NOT_OBJECT", deadLettered: false }],
    });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("throws when the dead-letter queue cannot be written, so Lambda's own retries and destination take over", async () => {
    sqsMock
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("KMS denied"), { name: "KmsAccessDenied" }));
    await expect(createHandler({ ...config, deadLetterQueueUrl: DLQ })(null, context)).rejects.toMatchObject({
      name: "KmsAccessDenied",
    });
  });
});
