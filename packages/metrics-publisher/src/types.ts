import type { StandardUnit } from "@aws-sdk/client-cloudwatch";

export type { StandardUnit };

/** Dimension name to value. At most 30 per metric. */
export type Dimensions = Readonly<Record<string, string>>;

interface MetricBase {
  name: string;
  dimensions?: Dimensions;
  /** The period the value belongs to; for per-minute aggregates, the start of the minute. */
  timestamp: Date;
  unit?: StandardUnit;
  /** 60 (standard, the default) or 1 (high resolution). */
  storageResolution?: 1 | 60;
}

/** A count over the period; CloudWatch sums counters that share name, dimensions and timestamp. */
export interface Counter extends MetricBase {
  kind: "counter";
  value: number;
}

/** A level observed at the timestamp. */
export interface Gauge extends MetricBase {
  kind: "gauge";
  value: number;
}

/**
 * Observed values with how often each occurred. Published exactly as values/counts pairs (percentiles
 * stay exact), split into several data when there are more than 150 distinct values, or, with
 * `publishAs: "statistics"`, as one statistic set (count, sum, min, max exact; no percentiles).
 */
export interface Distribution extends MetricBase {
  kind: "distribution";
  values: readonly number[];
  counts: readonly number[];
  publishAs?: "values" | "statistics";
}

export type Metric = Counter | Gauge | Distribution;
