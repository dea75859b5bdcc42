import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { Logger } from "@aws-lambda-powertools/logger";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { MetricsPublisher } from "@trackgraph/metrics-publisher";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { processObject, WINDOW_MARGIN_MS } from "../src/process-object.js";
import type { PublishProgress } from "../src/progress-store.js";

const s3 = mockClient(S3Client);
const cloudwatch = mockClient(CloudWatchClient);
const DAY = 24 * 3600_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

/** A W3C log with `counts[i]` requests in the minute `minutes[i]` (epoch ms). */
function log(minutes: number[], counts: number[]): Buffer {
  const rows = ["#Version: 1.0", "#Fields: date time sc-status sc-bytes time-taken"];
  minutes.forEach((minute, i) => {
    const at = new Date(minute).toISOString();
    for (let k = 0; k < (counts[i] ?? 0); k++)
      rows.push(`${at.slice(0, 10)}\t${at.slice(11, 19)}\t200\t10\t${((k % 900) + 1) / 1000}`);
  });
  return gzipSync(`${rows.join("\n")}\n`);
}

/** The progress item of one object, in memory, with the store's semantics. */
class MemoryProgress {
  item: PublishProgress | undefined;
  async load() {
    return this.item === undefined
      ? undefined
      : { ...this.item, batches: new Set(this.item.batches), sending: new Set(this.item.sending) };
  }
  async begin(_id: string, planHash: string, planAt: number, batch: number) {
    this.item ??= { planHash, planAt, batches: new Set(), sending: new Set() };
    this.item.planAt ??= planAt;
    this.item.sending.add(batch);
  }
  async add(_id: string, _planHash: string, batch: number) {
    this.item?.batches.add(batch);
  }
  async abandon(_id: string, _planHash: string, batch: number) {
    this.item?.sending.delete(batch);
  }
}

const ref = { bucket: "logs", key: "cloudfront/E1WINDOW.2026-11-25-10.a.gz", versionId: "v1" };
const logger = new Logger({ serviceName: "test" });
const publisher = () =>
  new MetricsPublisher({
    namespace: "TrackGraph/CloudFront",
    client: new CloudWatchClient({}),
    concurrency: 1,
  });
const data = (): MetricDatum[] =>
  cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
const sum = (name: string) =>
  data()
    .filter((d) => d.MetricName === name)
    .reduce((n, d) => n + (d.Value ?? 0), 0);

beforeEach(() => {
  s3.reset();
  cloudwatch.reset();
  cloudwatch.on(PutMetricDataCommand).resolves({});
});

const serve = (body: Buffer, lastModified = new Date(NOW)) =>
  s3
    .on(GetObjectCommand)
    .callsFake(() => ({ Body: sdkStreamMixin(Readable.from([body])), LastModified: lastModified }));

describe("data outside CloudWatch's window", () => {
  it("drops and counts minutes older than two weeks or too far ahead, and publishes the rest", async () => {
    // A backfill: 5 requests 15 days ago, 3 three hours ahead (a bad clock), 7 an hour ago.
    serve(log([NOW - 15 * DAY, NOW + 3 * 3600_000, NOW - 3600_000], [5, 3, 7]));
    const result = await processObject(ref, {
      s3,
      publisher: publisher(),
      progress: new MemoryProgress(),
      logger,
      now: () => NOW,
    });
    expect(result).toMatchObject({ status: "published", records: 15, droppedOutOfWindow: 8 });
    expect(sum("Requests")).toBe(7);
    expect(sum("DroppedOutOfWindow")).toBe(8);
    expect(sum("Requests") + sum("DroppedOutOfWindow")).toBe(result.records);
  });

  it("stamps health metrics with the plan's clock when the object itself is older than the window", async () => {
    serve(log([NOW - 20 * DAY], [4]), new Date(NOW - 20 * DAY));
    const result = await processObject(ref, {
      s3,
      publisher: publisher(),
      progress: new MemoryProgress(),
      logger,
      now: () => NOW,
    });
    expect(result).toMatchObject({ records: 4, droppedOutOfWindow: 4 });
    expect(data().map((d) => [d.MetricName, d.Value, (d.Timestamp as Date).getTime()])).toEqual(
      expect.arrayContaining([
        ["LogObjectsProcessed", 1, NOW],
        ["DroppedOutOfWindow", 4, NOW],
      ]),
    );
  });

  it("plans a retry with the first attempt's clock, so a minute that crossed the edge meanwhile keeps the plan", async () => {
    // A minute just inside the window at the first attempt, outside it 10 minutes later.
    const edge = NOW - 14 * DAY + WINDOW_MARGIN_MS + 5 * 60_000;
    const minutes = [edge, ...Array.from({ length: 40 }, (_, i) => NOW - (i + 1) * 60_000)];
    serve(
      log(
        minutes,
        minutes.map(() => 900),
      ),
    );
    const progress = new MemoryProgress();
    let calls = 0;
    cloudwatch.on(PutMetricDataCommand).callsFake(() => {
      if (++calls === 2) throw Object.assign(new Error("down"), { name: "ServiceUnavailable" });
      return {};
    });
    const first = await processObject(ref, {
      s3,
      publisher: publisher(),
      progress,
      logger,
      now: () => NOW,
    }).catch((e: unknown) => e);
    expect(first).toMatchObject({ name: "PublishError", batchIndex: 1 });
    expect(progress.item?.planAt).toBe(NOW);

    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const later = () => NOW + 10 * 60_000;
    const retry = await processObject(ref, { s3, publisher: publisher(), progress, logger, now: later });
    expect(retry).toMatchObject({ status: "published", droppedOutOfWindow: 0, batchesResumed: 1 });
    expect(retry.batches).toBeGreaterThan(2);
    // Without the stored clock the same object now plans differently (the edge minute is dropped).
    const fresh = await processObject(ref, {
      s3,
      publisher: publisher(),
      progress: new MemoryProgress(),
      logger,
      now: later,
    });
    expect(fresh.droppedOutOfWindow).toBe(900);
  });
});

describe("batches whose answer an earlier attempt never recorded", () => {
  it("are resent, reported in the result and a log line, and counted in BatchesResent", async () => {
    const minutes = Array.from({ length: 40 }, (_, i) => NOW - (i + 1) * 60_000);
    serve(
      log(
        minutes,
        minutes.map(() => 900),
      ),
    );
    const progress = new MemoryProgress();
    // An attempt that recorded batch 0, began batch 1, and died before recording CloudWatch's answer.
    let calls = 0;
    cloudwatch.on(PutMetricDataCommand).callsFake(() => {
      if (++calls === 2) throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      return {};
    });
    await processObject(ref, { s3, publisher: publisher(), progress, logger, now: () => NOW }).catch(
      () => {},
    );
    expect(progress.item).toMatchObject({ batches: new Set([0]), sending: new Set([0, 1]) });

    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const retry = await processObject(ref, { s3, publisher: publisher(), progress, logger, now: () => NOW });
    expect(retry).toMatchObject({ batchesResumed: 1, batchesResent: 1 });
    expect(retry.batchesSent).toBe(retry.batches - 1);
    expect(sum("BatchesResent")).toBe(1);
    // The BatchesResent datum is a request of its own, right after the resent batch (batch 1) is accepted.
    const names = cloudwatch
      .commandCalls(PutMetricDataCommand)
      .map((c) => c.args[0].input.MetricData?.map((d) => d.MetricName) ?? []);
    expect(names[1]).toEqual(["BatchesResent"]);
    expect(names.filter((n) => n.includes("BatchesResent"))).toHaveLength(1);
  });

  it.each([
    ["refused outright (HTTP 400 Throttling after the SDK's retries)", 400, 0],
    ["answered with a 5xx, which CloudWatch may have stored", 503, 1],
  ])("are not counted when %s, and counted otherwise", async (_label, status, resent) => {
    const minutes = Array.from({ length: 40 }, (_, i) => NOW - (i + 1) * 60_000);
    serve(
      log(
        minutes,
        minutes.map(() => 900),
      ),
    );
    const progress = new MemoryProgress();
    let calls = 0;
    cloudwatch.on(PutMetricDataCommand).callsFake(() => {
      if (++calls === 2)
        throw Object.assign(new Error("failed"), {
          name: status === 400 ? "Throttling" : "ServiceUnavailable",
          $metadata: { httpStatusCode: status },
        });
      return {};
    });
    await expect(
      processObject(ref, { s3, publisher: publisher(), progress, logger, now: () => NOW }),
    ).rejects.toMatchObject({ name: "PublishError", batchIndex: 1 });
    expect(progress.item?.sending).toEqual(new Set(status === 400 ? [0] : [0, 1]));

    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const retry = await processObject(ref, { s3, publisher: publisher(), progress, logger, now: () => NOW });
    expect(retry).toMatchObject({ batchesResumed: 1, batchesResent: resent });
    expect(sum("BatchesResent")).toBe(resent);
  });

  it("are none when every batch an attempt began was recorded", async () => {
    serve(log([NOW - 60_000], [3]));
    const result = await processObject(ref, {
      s3,
      publisher: publisher(),
      progress: new MemoryProgress(),
      logger,
      now: () => NOW,
    });
    expect(result).toMatchObject({ batchesResent: 0 });
    expect(sum("BatchesResent")).toBe(0);
  });
});
