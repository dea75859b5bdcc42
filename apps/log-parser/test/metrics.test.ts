import { summarizeLog } from "@trackgraph/cloudfront-logs";
import { describe, expect, it } from "vitest";
import { METRICS, metricsFromAggregate } from "../src/metrics.js";

const header =
  "#Version: 1.0\n#Fields: date time sc-status sc-bytes cs-bytes x-edge-result-type time-taken time-to-first-byte\n";
const log = `${header}2026-11-25\t10:00:01\t200\t100\t10\tHit\t0.010\t0.005
2026-11-25\t10:00:30\t503\t50\t12\tError\t1.500\t-
2026-11-25\t10:01:00\t304\t0\t9\tRefreshHit\t0.002\t0.002
`;

describe("metrics of a log object", () => {
  it("maps every per-minute aggregate to counters and exact distributions, one dimension", async () => {
    const summary = await summarizeLog([Buffer.from(log)], { distributionId: "E1" });
    const metrics = metricsFromAggregate(summary.aggregate, {
      distributionId: "E1",
      malformedLines: 2,
      truncated: false,
      processedAt: new Date("2026-11-25T11:07:42Z"),
    });
    const byName = (name: string, minute: string) =>
      metrics.find((m) => m.name === name && m.timestamp.toISOString() === `2026-11-25T${minute}:00.000Z`);
    expect(byName("Requests", "10:00")).toMatchObject({
      kind: "counter",
      value: 2,
      unit: "Count",
      dimensions: { DistributionId: "E1" },
    });
    expect(byName("Requests5xx", "10:00")).toMatchObject({ value: 1 });
    expect(byName("EdgeErrors", "10:00")).toMatchObject({ value: 1 });
    expect(byName("CacheHits", "10:01")).toMatchObject({ value: 1 });
    expect(byName("BytesDownloaded", "10:00")).toMatchObject({ value: 150, unit: "Bytes" });
    expect(byName("TimeTaken", "10:00")).toMatchObject({
      kind: "distribution",
      values: [0.01, 1.5],
      counts: [1, 1],
      unit: "Seconds",
    });
    expect(byName("TimeToFirstByte", "10:00")).toMatchObject({ values: [0.005], counts: [1] });
    expect(byName("MalformedLines", "11:07")).toMatchObject({ value: 2 });
    expect(byName("LogObjectsProcessed", "11:07")).toMatchObject({ value: 1 });
    for (const metric of metrics) {
      expect(Object.keys(METRICS)).toContain(metric.name);
      expect(Object.keys(metric.dimensions ?? {})).toEqual(["DistributionId"]);
    }
  });
});
