import { type DistributionJSON, ValueDistribution } from "./distribution.js";

export type StatusClass = "2xx" | "3xx" | "4xx" | "5xx" | "other";
export const STATUS_CLASSES: readonly StatusClass[] = ["2xx", "3xx", "4xx", "5xx", "other"];

/** Everything measured for one distribution during one UTC minute. */
export class MinuteBucket {
  requests = 0;
  readonly status: Record<StatusClass, number> = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, other: 0 };
  bytesSent = 0;
  bytesReceived = 0;
  cacheHits = 0;
  cacheMisses = 0;
  errors = 0;
  readonly timeTaken = new ValueDistribution();
  readonly timeToFirstByte = new ValueDistribution();

  constructor(
    readonly distributionId: string,
    /** Start of the minute, in milliseconds since the epoch. */
    readonly minute: number,
  ) {}

  merge(other: MinuteBucket): void {
    this.requests += other.requests;
    for (const statusClass of STATUS_CLASSES) this.status[statusClass] += other.status[statusClass];
    this.bytesSent += other.bytesSent;
    this.bytesReceived += other.bytesReceived;
    this.cacheHits += other.cacheHits;
    this.cacheMisses += other.cacheMisses;
    this.errors += other.errors;
    this.timeTaken.merge(other.timeTaken);
    this.timeToFirstByte.merge(other.timeToFirstByte);
  }

  toJSON(): MinuteBucketJSON {
    return {
      distributionId: this.distributionId,
      minute: formatMinute(this.minute),
      requests: this.requests,
      status: { ...this.status },
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      errors: this.errors,
      timeTaken: this.timeTaken.toJSON(),
      timeToFirstByte: this.timeToFirstByte.toJSON(),
    };
  }
}

export interface MinuteBucketJSON {
  distributionId: string;
  minute: string;
  requests: number;
  status: Record<StatusClass, number>;
  bytesSent: number;
  bytesReceived: number;
  cacheHits: number;
  cacheMisses: number;
  errors: number;
  timeTaken: DistributionJSON;
  timeToFirstByte: DistributionJSON;
}

/**
 * Per-minute, per-distribution aggregates. Merging is associative and commutative, so parts of a file,
 * several files, or several Lambda invocations combine into the same totals in any order.
 */
export class LogAggregate {
  private readonly buckets = new Map<string, Map<number, MinuteBucket>>();

  bucket(distributionId: string, minute: number): MinuteBucket {
    let byMinute = this.buckets.get(distributionId);
    if (byMinute === undefined) {
      byMinute = new Map();
      this.buckets.set(distributionId, byMinute);
    }
    let bucket = byMinute.get(minute);
    if (bucket === undefined) {
      bucket = new MinuteBucket(distributionId, minute);
      byMinute.set(minute, bucket);
    }
    return bucket;
  }

  merge(other: LogAggregate): this {
    for (const bucket of other.minutes()) this.bucket(bucket.distributionId, bucket.minute).merge(bucket);
    return this;
  }

  /** Buckets ordered by distribution id, then minute: a stable order for deterministic publishing. */
  minutes(): MinuteBucket[] {
    const out: MinuteBucket[] = [];
    for (const id of [...this.buckets.keys()].sort()) {
      const byMinute = this.buckets.get(id);
      if (byMinute === undefined) continue;
      for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
        const bucket = byMinute.get(minute);
        if (bucket !== undefined) out.push(bucket);
      }
    }
    return out;
  }

  get distributionIds(): string[] {
    return [...this.buckets.keys()].sort();
  }

  toJSON(): MinuteBucketJSON[] {
    return this.minutes().map((bucket) => bucket.toJSON());
  }
}

/** `YYYY-MM-DDTHH:MMZ`, the key format of per-minute output. */
export function formatMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16)}Z`;
}
