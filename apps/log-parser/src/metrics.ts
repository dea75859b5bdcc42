import type { LogAggregate, MinuteBucket } from "@trackgraph/cloudfront-logs";
import type { Metric } from "@trackgraph/metrics-publisher";

/** The namespace every metric of this function goes to. Dashboards and alarms read it. */
export const NAMESPACE = "TrackGraph/CloudFront";

/** The one dimension: the distribution. Paths, IPs and user agents would multiply cost, so none are used. */
export const DIMENSION = "DistributionId";

/**
 * Every metric this function publishes, with its unit. The README's table and the dashboards'
 * contract test are built from this list, so a renamed metric fails those tests.
 */
export const METRICS = {
  Requests: { unit: "Count", description: "Requests served, all statuses" },
  Requests2xx: { unit: "Count", description: "Requests with status 200-299" },
  Requests3xx: { unit: "Count", description: "Requests with status 300-399" },
  Requests4xx: { unit: "Count", description: "Requests with status 400-499" },
  Requests5xx: { unit: "Count", description: "Requests with status 500-599" },
  RequestsOtherStatus: { unit: "Count", description: "Requests with status 000 (no response) or 1xx" },
  BytesDownloaded: { unit: "Bytes", description: "sc-bytes: bytes CloudFront sent to viewers" },
  BytesUploaded: { unit: "Bytes", description: "cs-bytes: bytes viewers sent to CloudFront" },
  CacheHits: { unit: "Count", description: "x-edge-result-type Hit or RefreshHit" },
  CacheMisses: { unit: "Count", description: "x-edge-result-type Miss" },
  EdgeErrors: { unit: "Count", description: "x-edge-result-type Error, LimitExceeded or CapacityExceeded" },
  TimeTaken: { unit: "Seconds", description: "time-taken, every value with its count (exact percentiles)" },
  TimeToFirstByte: { unit: "Seconds", description: "time-to-first-byte, every value with its count" },
  MalformedLines: {
    unit: "Count",
    description: "Lines skipped as malformed, at the minute the object was processed",
  },
  TruncatedObjects: { unit: "Count", description: "Log objects whose gzip stream was cut off or corrupt" },
  LogObjectsProcessed: { unit: "Count", description: "Log objects read, at the minute they were processed" },
} as const;

export type MetricName = keyof typeof METRICS;

function counter(name: MetricName, value: number, timestamp: Date, distributionId: string): Metric {
  return {
    kind: "counter",
    name,
    value,
    timestamp,
    dimensions: { [DIMENSION]: distributionId },
    unit: METRICS[name].unit,
  };
}

function bucketMetrics(bucket: MinuteBucket): Metric[] {
  const at = new Date(bucket.minute);
  const id = bucket.distributionId;
  const out: Metric[] = [
    counter("Requests", bucket.requests, at, id),
    counter("Requests2xx", bucket.status["2xx"], at, id),
    counter("Requests3xx", bucket.status["3xx"], at, id),
    counter("Requests4xx", bucket.status["4xx"], at, id),
    counter("Requests5xx", bucket.status["5xx"], at, id),
    counter("RequestsOtherStatus", bucket.status.other, at, id),
    counter("BytesDownloaded", bucket.bytesSent, at, id),
    counter("BytesUploaded", bucket.bytesReceived, at, id),
    counter("CacheHits", bucket.cacheHits, at, id),
    counter("CacheMisses", bucket.cacheMisses, at, id),
    counter("EdgeErrors", bucket.errors, at, id),
  ];
  for (const [name, distribution] of [
    ["TimeTaken", bucket.timeTaken],
    ["TimeToFirstByte", bucket.timeToFirstByte],
  ] as const) {
    if (distribution.count === 0) continue;
    const entries = distribution.entries();
    out.push({
      kind: "distribution",
      name,
      values: entries.map(([v]) => v),
      counts: entries.map(([, c]) => c),
      timestamp: at,
      dimensions: { [DIMENSION]: id },
      unit: METRICS[name].unit,
    });
  }
  return out;
}

export interface ObjectOutcome {
  distributionId: string;
  malformedLines: number;
  truncated: boolean;
  /** When the object was processed: the minute its health metrics are counted in. */
  processedAt: Date;
}

/** The metrics of one log object: per-minute traffic from its aggregate, and its parse health. */
export function metricsFromAggregate(aggregate: LogAggregate, outcome: ObjectOutcome): Metric[] {
  const minute = new Date(Math.floor(outcome.processedAt.getTime() / 60_000) * 60_000);
  return [
    ...aggregate.minutes().flatMap(bucketMetrics),
    counter("LogObjectsProcessed", 1, minute, outcome.distributionId),
    counter("MalformedLines", outcome.malformedLines, minute, outcome.distributionId),
    counter("TruncatedObjects", outcome.truncated ? 1 : 0, minute, outcome.distributionId),
  ];
}
