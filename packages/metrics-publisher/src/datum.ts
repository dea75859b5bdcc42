import type { MetricDatum } from "@aws-sdk/client-cloudwatch";
import { LIMITS } from "./limits.js";
import type { Distribution, Metric } from "./types.js";

function base(metric: Metric): MetricDatum {
  const dimensions = Object.entries(metric.dimensions ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Name, Value]) => ({ Name, Value }));
  return {
    MetricName: metric.name,
    ...(dimensions.length > 0 ? { Dimensions: dimensions } : {}),
    Timestamp: metric.timestamp,
    ...(metric.unit === undefined ? {} : { Unit: metric.unit }),
    ...(metric.storageResolution === undefined ? {} : { StorageResolution: metric.storageResolution }),
  };
}

/** Values in ascending order with positive counts, as the aggregators produce them (checked, not assumed). */
function sortedPairs(metric: Distribution): { values: readonly number[]; counts: readonly number[] } {
  const { values, counts } = metric;
  let ready = true;
  for (let i = 0; i < values.length && ready; i++) {
    if ((counts[i] as number) <= 0 || (i > 0 && (values[i] as number) <= (values[i - 1] as number)))
      ready = false;
  }
  if (ready) return { values, counts };
  const pairs = values
    .map((value, i): [number, number] => [value, counts[i] ?? 0])
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  return { values: pairs.map(([v]) => v), counts: pairs.map(([, c]) => c) };
}

function distributionData(metric: Distribution): MetricDatum[] {
  const { values, counts } = sortedPairs(metric);
  if (values.length === 0) return [];
  if (metric.publishAs === "statistics") {
    let sampleCount = 0;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sampleCount += counts[i] as number;
      sum += (values[i] as number) * (counts[i] as number);
    }
    return [
      {
        ...base(metric),
        StatisticValues: {
          SampleCount: sampleCount,
          Sum: sum,
          Minimum: values[0] as number,
          Maximum: values.at(-1) as number,
        },
      },
    ];
  }
  // CloudWatch aggregates data that share name, dimensions and timestamp, so splitting the pairs over
  // several data keeps every count, and with it exact percentiles.
  const data: MetricDatum[] = [];
  const head = base(metric);
  for (let start = 0; start < values.length; start += LIMITS.valuesPerDatum) {
    const end = start + LIMITS.valuesPerDatum;
    data.push({ ...head, Values: values.slice(start, end), Counts: counts.slice(start, end) });
  }
  return data;
}

/** The MetricDatum list for one metric (a distribution may need several). */
export function toMetricData(metric: Metric): MetricDatum[] {
  if (metric.kind === "distribution") return distributionData(metric);
  return [{ ...base(metric), Value: metric.value }];
}

/**
 * The metrics in a total order (name, dimensions, timestamp, kind, value), so that the same set of metrics
 * always gives the same batches whatever order it came in. Keys are computed once per metric.
 */
export function sortMetrics(metrics: readonly Metric[]): Metric[] {
  const keyed = metrics.map((metric) => ({
    metric,
    dimensions: dimensionKey(metric),
    time: metric.timestamp.getTime(),
  }));
  keyed.sort((a, b) => {
    if (a.metric.name !== b.metric.name) return a.metric.name < b.metric.name ? -1 : 1;
    if (a.dimensions !== b.dimensions) return a.dimensions < b.dimensions ? -1 : 1;
    if (a.time !== b.time) return a.time - b.time;
    if (a.metric.kind !== b.metric.kind) return a.metric.kind < b.metric.kind ? -1 : 1;
    if (a.metric.kind !== "distribution" && b.metric.kind !== "distribution")
      return a.metric.value - b.metric.value;
    return 0;
  });
  return keyed.map((k) => k.metric);
}

function dimensionKey(metric: Metric): string {
  return Object.entries(metric.dimensions ?? {})
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}\u0000${v}`)
    .join("\u0001");
}
