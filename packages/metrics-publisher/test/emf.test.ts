import { describe, expect, it } from "vitest";
import { type Metric, toEmfLines } from "../src/index.js";

const at = new Date("2026-11-25T11:00:00Z");
const now = () => Date.parse("2026-11-25T12:00:00Z");

describe("Embedded Metric Format", () => {
  it("writes metrics that share timestamp and dimensions into one document", () => {
    const metrics: Metric[] = [
      {
        kind: "counter",
        name: "Requests",
        value: 12,
        timestamp: at,
        dimensions: { DistributionId: "E1" },
        unit: "Count",
      },
      {
        kind: "counter",
        name: "BytesDownloaded",
        value: 4096,
        timestamp: at,
        dimensions: { DistributionId: "E1" },
        unit: "Bytes",
      },
    ];
    const lines = toEmfLines(metrics, "TrackGraph/CloudFront", now).map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: at.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: "TrackGraph/CloudFront",
              Dimensions: [["DistributionId"]],
              Metrics: [
                { Name: "BytesDownloaded", Unit: "Bytes" },
                { Name: "Requests", Unit: "Count" },
              ],
            },
          ],
        },
        DistributionId: "E1",
        BytesDownloaded: 4096,
        Requests: 12,
      },
    ]);
  });

  it("expands a distribution to its samples, 100 per document", () => {
    const metric: Metric = {
      kind: "distribution",
      name: "TimeTaken",
      timestamp: at,
      values: [0.2, 0.1],
      counts: [150, 60],
      unit: "Seconds",
    };
    const docs = toEmfLines([metric], "TrackGraph/CloudFront", now).map(
      (l) => JSON.parse(l) as { TimeTaken: number[] },
    );
    expect(docs.map((d) => d.TimeTaken.length)).toEqual([100, 100, 10]);
    const all = docs.flatMap((d) => d.TimeTaken);
    expect(all.filter((v) => v === 0.1)).toHaveLength(60);
    expect(all.filter((v) => v === 0.2)).toHaveLength(150);
  });

  it("validates like the API path", () => {
    expect(() =>
      toEmfLines([{ kind: "gauge", name: "", value: 1, timestamp: at }], "TrackGraph/CloudFront", now),
    ).toThrow(/name must be 1/);
  });
});
