import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Metric, MetricsPublisher } from "../src/index.js";

let moto: MotoServer;
let client: CloudWatchClient;
beforeAll(async () => {
  moto = await startMoto();
  client = new CloudWatchClient(moto.clientConfig);
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

const NAMESPACE = "TrackGraph/E2E";
const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const at = (m: number) => new Date(t0.getTime() + m * 60_000);
const dims = { DistributionId: "E2EDIST" };

/** A distribution with more distinct values than one datum may carry. */
const latencyValues = Array.from({ length: 320 }, (_, i) => Math.round((0.001 + i * 0.0037) * 1000) / 1000);
const latencyCounts = latencyValues.map((_, i) => (i % 5) + 1);

const metrics: Metric[] = [
  ...Array.from(
    { length: 5 },
    (_, m): Metric => ({
      kind: "counter",
      name: "Requests",
      value: 100 + m,
      timestamp: at(m),
      dimensions: dims,
      unit: "Count",
    }),
  ),
  { kind: "gauge", name: "QueueDepth", value: 7, timestamp: at(0), dimensions: dims },
  {
    kind: "distribution",
    name: "TimeTaken",
    values: latencyValues,
    counts: latencyCounts,
    timestamp: at(1),
    dimensions: dims,
    unit: "Seconds",
  },
  {
    kind: "distribution",
    name: "TimeToFirstByte",
    values: [0.01, 0.02, 0.5],
    counts: [3, 2, 1],
    timestamp: at(1),
    dimensions: dims,
    publishAs: "statistics",
  },
];

function query(id: string, name: string, stat: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: name,
        Dimensions: [{ Name: "DistributionId", Value: "E2EDIST" }],
      },
      Period: 60,
      Stat: stat,
    },
  };
}

describe("publishing to a real CloudWatch API (moto server, AWS JSON 1.0 protocol)", () => {
  it("reads back names, dimensions, values and counts exactly as published", async () => {
    const publisher = new MetricsPublisher({ namespace: NAMESPACE, client });
    const plan = publisher.plan(metrics);
    expect(
      plan.batches
        .flat()
        .filter((d) => d.MetricName === "TimeTaken")
        .map((d) => d.Values?.length),
    ).toEqual([150, 150, 20]);
    const result = await publisher.publish(metrics);
    expect(result.publishedBatches).toEqual([0]);

    const listed = await client.send(new ListMetricsCommand({ Namespace: NAMESPACE }));
    expect(new Set(listed.Metrics?.map((m) => m.MetricName))).toEqual(
      new Set(["Requests", "QueueDepth", "TimeTaken", "TimeToFirstByte"]),
    );
    for (const metric of listed.Metrics ?? [])
      expect(metric.Dimensions).toEqual([{ Name: "DistributionId", Value: "E2EDIST" }]);

    const data = await client.send(
      new GetMetricDataCommand({
        StartTime: at(-5),
        EndTime: at(10),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          query("requests", "Requests", "Sum"),
          query("latencyCount", "TimeTaken", "SampleCount"),
          query("latencySum", "TimeTaken", "Sum"),
          query("latencyMin", "TimeTaken", "Minimum"),
          query("latencyMax", "TimeTaken", "Maximum"),
          query("ttfbCount", "TimeToFirstByte", "SampleCount"),
          query("ttfbSum", "TimeToFirstByte", "Sum"),
          query("ttfbMax", "TimeToFirstByte", "Maximum"),
        ],
      }),
    );
    const result_ = Object.fromEntries(
      (data.MetricDataResults ?? []).map((r) => [
        r.Id,
        { values: r.Values, times: r.Timestamps?.map((t) => t.getTime()) },
      ]),
    );
    expect(result_.requests?.values).toEqual([100, 101, 102, 103, 104]);
    expect(result_.requests?.times).toEqual([0, 1, 2, 3, 4].map((m) => at(m).getTime()));

    const expectedCount = latencyCounts.reduce((a, b) => a + b, 0);
    const expectedSum = latencyValues.reduce((sum, v, i) => sum + v * (latencyCounts[i] ?? 0), 0);
    expect(result_.latencyCount?.values).toEqual([expectedCount]);
    expect(result_.latencySum?.values?.[0]).toBeCloseTo(expectedSum, 6);
    expect(result_.latencyMin?.values).toEqual([latencyValues[0]]);
    expect(result_.latencyMax?.values).toEqual([latencyValues.at(-1)]);
    expect(result_.ttfbCount?.values).toEqual([6]);
    expect(result_.ttfbSum?.values?.[0]).toBeCloseTo(0.57, 9);
    expect(result_.ttfbMax?.values).toEqual([0.5]);
  });
});
