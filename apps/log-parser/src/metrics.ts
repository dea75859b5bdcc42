import type { LogAggregate, MinuteBucket } from "@trackgraph/cloudfront-logs";
import type { Metric, TimestampWindow } from "@trackgraph/metrics-publisher";

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
  DroppedOutOfWindow: {
    unit: "Count",
    description:
      "Requests in minutes CloudWatch no longer (or not yet) accepts: more than two weeks old or over an hour ahead when processed; not published",
  },
  BatchesResent: {
    unit: "Count",
    description:
      "PutMetricData batches sent again because an earlier attempt ended after sending them and before recording CloudWatch's answer: each may be counted twice",
  },
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
  /**
   * The timestamps CloudWatch will accept. Minutes outside it are not published: their requests are
   * counted in `DroppedOutOfWindow` instead. Default: every minute is published.
   */
  window?: TimestampWindow;
}

/** Traffic left out because its minute is outside CloudWatch's window. */
export interface DroppedTraffic {
  requests: number;
  minutes: number;
  oldest?: Date;
  newest?: Date;
}

export interface ObjectMetrics {
  metrics: Metric[];
  dropped: DroppedTraffic;
}

/**
 * The metrics of one log object: per-minute traffic from its aggregate (the minutes inside the window),
 * and its parse health, including the requests dropped as out of window. Requests plus
 * DroppedOutOfWindow always equal the requests the object logged.
 */
export function objectMetrics(aggregate: LogAggregate, outcome: ObjectOutcome): ObjectMetrics {
  const minute = new Date(Math.floor(outcome.processedAt.getTime() / 60_000) * 60_000);
  const dropped: DroppedTraffic = { requests: 0, minutes: 0 };
  const traffic: Metric[] = [];
  for (const bucket of aggregate.minutes()) {
    const at = new Date(bucket.minute);
    const window = outcome.window;
    // Inclusive at both ends, as the publisher's inWindow (kept type-only: other workspaces import this file).
    if (window === undefined || (at >= window.from && at <= window.to)) {
      traffic.push(...bucketMetrics(bucket));
      continue;
    }
    dropped.requests += bucket.requests;
    dropped.minutes++;
    if (dropped.oldest === undefined || at < dropped.oldest) dropped.oldest = at;
    if (dropped.newest === undefined || at > dropped.newest) dropped.newest = at;
  }
  const id = outcome.distributionId;
  return {
    metrics: [
      ...traffic,
      counter("LogObjectsProcessed", 1, minute, id),
      counter("MalformedLines", outcome.malformedLines, minute, id),
      counter("TruncatedObjects", outcome.truncated ? 1 : 0, minute, id),
      counter("DroppedOutOfWindow", dropped.requests, minute, id),
    ],
    dropped,
  };
}

/** The metrics of one log object (see {@link objectMetrics}). */
export function metricsFromAggregate(aggregate: LogAggregate, outcome: ObjectOutcome): Metric[] {
  return objectMetrics(aggregate, outcome).metrics;
}

/** The one datum that says how many batches a retry sent again (published outside the object's plan). */
export function batchesResentMetric(count: number, at: Date, distributionId: string): Metric {
  return counter(
    "BatchesResent",
    count,
    new Date(Math.floor(at.getTime() / 60_000) * 60_000),
    distributionId,
  );
}
