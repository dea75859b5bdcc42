import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  LIMITS,
  type Metric,
  MetricsPublisher,
  MetricValidationError,
  PublishError,
  partitionByWindow,
  timestampWindow,
} from "../src/index.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const minute = (n: number) => new Date(NOW - 3600_000 + n * 60_000);
const counter = (
  name: string,
  value: number,
  at = minute(0),
  dimensions: Record<string, string> = { DistributionId: "E1" },
): Metric => ({
  kind: "counter",
  name,
  value,
  timestamp: at,
  dimensions,
  unit: "Count",
});

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

const publisher = (concurrency = 1) =>
  new MetricsPublisher({
    namespace: "TrackGraph/Test",
    client: new CloudWatchClient({ region: "us-east-1" }),
    concurrency,
    now: () => NOW,
  });

describe("limits", () => {
  it("puts at most 1,000 data in a request", () => {
    const metrics = Array.from({ length: 2500 }, (_, i) => counter(`M${String(i).padStart(4, "0")}`, i));
    expect(
      publisher()
        .plan(metrics)
        .batches.map((b) => b.length),
    ).toEqual([1000, 1000, 500]);
  });

  it("keeps every request under the 1 MB payload limit, measured in the most verbose encoding", () => {
    const values = Array.from({ length: 150 }, (_, i) => 1000.123456789 + i);
    const metrics: Metric[] = Array.from({ length: 400 }, (_, i) => ({
      kind: "distribution",
      name: "TimeTaken",
      dimensions: { DistributionId: `E${i}`, Route: "x".repeat(200) },
      timestamp: minute(1),
      values,
      counts: values.map(() => 123456),
    }));
    const { batches } = publisher().plan(metrics);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const query = new URLSearchParams();
      batch.forEach((d, i) => {
        const p = `MetricData.member.${i + 1}.`;
        query.append(`${p}MetricName`, d.MetricName ?? "");
        d.Dimensions?.forEach((dim, j) => {
          query.append(`${p}Dimensions.member.${j + 1}.Name`, dim.Name ?? "");
          query.append(`${p}Dimensions.member.${j + 1}.Value`, dim.Value ?? "");
        });
        query.append(`${p}Timestamp`, (d.Timestamp as Date).toISOString());
        d.Values?.forEach((v, j) => {
          query.append(`${p}Values.member.${j + 1}`, String(v));
        });
        d.Counts?.forEach((c, j) => {
          query.append(`${p}Counts.member.${j + 1}`, String(c));
        });
      });
      expect(Buffer.byteLength(query.toString())).toBeLessThan(1_000_000);
      expect(
        Buffer.byteLength(JSON.stringify({ Namespace: "TrackGraph/Test", MetricData: batch })),
      ).toBeLessThan(1_000_000);
    }
  });

  it("splits a distribution of more than 150 distinct values into data of 150, keeping every count", () => {
    const values = Array.from({ length: 400 }, (_, i) => i / 1000);
    const metric: Metric = {
      kind: "distribution",
      name: "TimeTaken",
      timestamp: minute(2),
      values,
      counts: values.map((_, i) => i + 1),
    };
    const [batch] = publisher().plan([metric]).batches;
    expect(batch?.map((d) => d.Values?.length)).toEqual([150, 150, 100]);
    const counted = batch?.flatMap((d) => d.Counts ?? []).reduce((a, b) => a + b, 0);
    expect(counted).toBe((400 * 401) / 2);
  });

  it("reduces a distribution to an exact statistic set when asked", () => {
    const metric: Metric = {
      kind: "distribution",
      name: "TimeTaken",
      timestamp: minute(2),
      values: [0.5, 0.1, 2],
      counts: [2, 3, 0],
      publishAs: "statistics",
    };
    expect(publisher().plan([metric]).batches[0]?.[0]?.StatisticValues).toEqual({
      SampleCount: 5,
      Sum: 1.3,
      Minimum: 0.1,
      Maximum: 0.5,
    });
  });

  const rejects = (metric: Metric, message: RegExp) => {
    const plan = () => publisher().plan([counter("ok", 1), metric]);
    expect(plan).toThrowError(MetricValidationError);
    expect(plan).toThrow(message);
  };

  it("rejects more than 30 dimensions", () => {
    const dimensions = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, "v"]));
    rejects(
      counter("Requests", 1, minute(0), dimensions),
      /metric #1 "Requests": 31 dimensions; CloudWatch accepts at most 30/,
    );
  });

  it("rejects timestamps older than two weeks or more than two hours ahead", () => {
    rejects(counter("Old", 1, new Date(NOW - LIMITS.maxAgeMs - 1)), /more than two weeks old/);
    rejects(counter("Ahead", 1, new Date(NOW + LIMITS.maxAheadMs + 1)), /more than two hours ahead/);
    expect(() => publisher().plan([counter("Edge", 1, new Date(NOW + LIMITS.maxAheadMs))])).not.toThrow();
  });

  it("rejects bad names, dimension values and namespaces", () => {
    rejects(counter("", 1), /the name must be 1 to 255 characters/);
    rejects(counter("x".repeat(256), 1), /the name must be 1 to 255 characters/);
    rejects(counter("Zeit\u00e4", 1), /printable ASCII/);
    rejects(counter("Requests", 1, minute(0), { Path: "" }), /dimension "Path" has value ""/);
    rejects(
      counter("Requests", 1, minute(0), { Path: "x".repeat(1025) }),
      /values must be 1 to 1024 characters/,
    );
    expect(() => new MetricsPublisher({ namespace: "AWS/CloudFront" })).toThrow(/reserved for AWS services/);
    expect(() => new MetricsPublisher({ namespace: "Track$Graph" })).toThrow(/may hold only/);
  });

  it("rejects storage resolutions other than 1 and 60", () => {
    rejects(
      { ...counter("Requests", 1), storageResolution: 30 as 60 },
      /storage resolution 30; it must be 1 or 60/,
    );
  });

  it("rejects values CloudWatch refuses", () => {
    rejects(counter("Nan", Number.NaN), /not a finite number/);
    rejects(counter("Huge", 2 ** 400), /outside CloudWatch's range/);
    rejects(
      { kind: "distribution", name: "D", timestamp: minute(0), values: [1, 2], counts: [1] },
      /2 values but 1 counts/,
    );
    rejects(
      { kind: "distribution", name: "D", timestamp: minute(0), values: [1, 1], counts: [1, 1] },
      /values must be distinct/,
    );
    rejects(
      { kind: "distribution", name: "D", timestamp: minute(0), values: [1], counts: [-1] },
      /counts\[0\] -1/,
    );
  });
});

describe("deterministic, resumable publishing", () => {
  const metrics = Array.from({ length: 2100 }, (_, i) =>
    counter(`M${i % 7}`, i, minute(i % 60), { DistributionId: `E${i % 13}` }),
  );

  it("makes the same requests whatever the order of the input", () => {
    const shuffled = [...metrics].reverse();
    expect(publisher().plan(shuffled)).toEqual(publisher().plan(metrics));
  });

  it("reports the failed batch and the ones done, and resumes without sending any batch twice", async () => {
    let call = 0;
    cw.on(PutMetricDataCommand).callsFake(() => {
      call++;
      if (call === 3) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      return {};
    });
    const error = await publisher()
      .publish(metrics)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ batchIndex: 2, totalBatches: 3, completedBatches: [0, 1] });
    expect((error as Error).message).toMatch(/batch 2 of 3 failed \(ThrottlingException: Rate exceeded\)/);

    cw.reset();
    cw.on(PutMetricDataCommand).resolves({});
    const result = await publisher().publish(metrics, {
      skipBatches: (error as PublishError).completedBatches,
    });
    expect(result).toMatchObject({
      totalBatches: 3,
      publishedBatches: [2],
      skippedBatches: [0, 1],
      dataSent: 100,
    });
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });

  it("records progress through onBatchPublished before a batch counts as done", async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const seen: number[] = [];
    await publisher(2).publish(metrics, { onBatchPublished: (i) => void seen.push(i) });
    expect(seen.sort()).toEqual([0, 1, 2]);
  });

  it("rejects a skip index the plan does not have", async () => {
    await expect(publisher().publish(metrics, { skipBatches: [7] })).rejects.toThrow(/batches 0 to 2/);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    cw.on(PutMetricDataCommand).callsFake(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return {};
    });
    const many = Array.from({ length: 9000 }, (_, i) => counter(`M${i}`, i));
    const result = await publisher(3).publish(many);
    expect(result.publishedBatches).toHaveLength(9);
    expect(most).toBe(3);
  });
});

describe("request size estimate", () => {
  it("counts number lengths exactly as the query encoding writes them", async () => {
    const { datumBytes } = await import("../src/request-size.js");
    for (const values of [
      [0],
      [-12],
      [1e21],
      [1.5e-7],
      [0.001, 123456789012345],
      [Number.MAX_SAFE_INTEGER],
    ]) {
      const datum = { MetricName: "M", Timestamp: new Date(0), Values: values, Counts: values.map(() => 1) };
      const base = datumBytes({ MetricName: "M", Timestamp: new Date(0), Values: [], Counts: [] });
      const expected = values.reduce(
        (n, v) =>
          n +
          "MetricData.member.1000.Values.member.150=&".length +
          new URLSearchParams({ v: String(v) }).toString().length -
          2 +
          "MetricData.member.1000.Counts.member.150=&".length +
          1,
        0,
      );
      expect(datumBytes(datum) - base).toBe(expected);
    }
  });
});

describe("the timestamp window", () => {
  it("is two weeks back to two hours ahead, inclusive, narrowed by a margin at both ends", () => {
    expect(timestampWindow(NOW)).toEqual({
      from: new Date(NOW - 14 * 24 * 3600_000),
      to: new Date(NOW + 2 * 3600_000),
    });
    expect(timestampWindow(NOW, 60_000)).toEqual({
      from: new Date(NOW - 14 * 24 * 3600_000 + 60_000),
      to: new Date(NOW + 2 * 3600_000 - 60_000),
    });
    expect(() => timestampWindow(NOW, -1)).toThrow(RangeError);
    expect(() => timestampWindow(NOW, LIMITS.maxAgeMs)).toThrow(RangeError);
  });

  it("splits metrics into those CloudWatch accepts and those it refuses, which plan() would reject", () => {
    const window = timestampWindow(NOW);
    const metrics = [
      counter("Old", 1, new Date(NOW - LIMITS.maxAgeMs - 60_000)),
      counter("OldestAccepted", 1, window.from),
      counter("Now", 1, new Date(NOW)),
      counter("NewestAccepted", 1, window.to),
      counter("Ahead", 1, new Date(NOW + LIMITS.maxAheadMs + 1)),
    ];
    const { inWindow, outOfWindow } = partitionByWindow(metrics, window);
    expect(inWindow.map((m) => m.name)).toEqual(["OldestAccepted", "Now", "NewestAccepted"]);
    expect(outOfWindow.map((m) => m.name)).toEqual(["Old", "Ahead"]);
    expect(() => publisher().plan(inWindow)).not.toThrow();
    for (const refused of outOfWindow)
      expect(() => publisher().plan([refused])).toThrow(MetricValidationError);
  });
});

describe("beforeBatch", () => {
  const metrics = Array.from({ length: 2100 }, (_, i) => counter(`M${i % 7}`, i, minute(i % 60)));

  it("runs before each batch is sent; a batch whose hook fails is not sent", async () => {
    const order: string[] = [];
    cw.on(PutMetricDataCommand).callsFake(() => {
      order.push("send");
      return {};
    });
    const error = await publisher()
      .publish(metrics, {
        beforeBatch: (i) => {
          order.push(`before ${i}`);
          if (i === 2) throw new Error("progress store down");
        },
        onBatchPublished: (i) => void order.push(`after ${i}`),
      })
      .catch((e: unknown) => e);
    expect(order).toEqual(["before 0", "send", "after 0", "before 1", "send", "after 1", "before 2"]);
    expect(error).toMatchObject({ name: "PublishError", batchIndex: 2, completedBatches: [0, 1] });
  });
});
