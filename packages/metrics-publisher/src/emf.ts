import type { Writable } from "node:stream";
import { sortMetrics } from "./datum.js";
import type { Metric } from "./types.js";
import { validateMetric, validateNamespace } from "./validate.js";

/** EMF accepts at most 100 metrics per document and 100 values per metric. */
const MAX_METRICS_PER_DOCUMENT = 100;
const MAX_VALUES_PER_METRIC = 100;

interface Group {
  timestamp: number;
  dimensions: Record<string, string>;
  metrics: Metric[];
}

/** Expands a distribution to its samples: EMF has no counts, so a value seen n times is written n times. */
function samples(metric: Metric): number[] {
  if (metric.kind !== "distribution") return [metric.value];
  const out: number[] = [];
  metric.values.forEach((value, i) => {
    for (let n = metric.counts[i] ?? 0; n > 0; n--) out.push(value);
  });
  return out.sort((a, b) => a - b);
}

/**
 * The same metrics as Embedded Metric Format documents, one JSON object per line: CloudWatch Logs
 * extracts them into metrics of `namespace`. Metrics that share timestamp and dimensions share a document.
 * Distributions become arrays of their samples, 100 per document.
 */
export function toEmfLines(
  metrics: readonly Metric[],
  namespace: string,
  now: () => number = Date.now,
): string[] {
  validateNamespace(namespace);
  const nowMs = now();
  metrics.forEach((metric, index) => {
    validateMetric(metric, index, nowMs);
  });
  const lines: string[] = [];
  for (const group of groupByTimeAndDimensions(metrics)) lines.push(...groupDocuments(group, namespace));
  return lines;
}

/** Metrics that share timestamp and dimensions, oldest group first. */
function groupByTimeAndDimensions(metrics: readonly Metric[]): Group[] {
  const groups = new Map<string, Group>();
  for (const metric of sortMetrics(metrics)) {
    const dimensions = Object.fromEntries(
      Object.entries(metric.dimensions ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    const key = `${metric.timestamp.getTime()}|${JSON.stringify(dimensions)}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { timestamp: metric.timestamp.getTime(), dimensions, metrics: [] };
      groups.set(key, group);
    }
    group.metrics.push(metric);
  }
  return [...groups.values()].sort((a, b) => a.timestamp - b.timestamp);
}

/** One group's documents: at most 100 metrics and 100 values of each per document. */
function groupDocuments(group: Group, namespace: string): string[] {
  // Two metrics of one name in one document would be merged by EMF; keep names unique per document.
  const byName = new Map<string, number[]>();
  const definitions = new Map<string, Metric>();
  for (const metric of group.metrics) {
    byName.set(metric.name, [...(byName.get(metric.name) ?? []), ...samples(metric)]);
    if (!definitions.has(metric.name)) definitions.set(metric.name, metric);
  }
  const lines: string[] = [];
  const names = [...byName.keys()];
  for (let m = 0; m < names.length; m += MAX_METRICS_PER_DOCUMENT) {
    const chunk = names.slice(m, m + MAX_METRICS_PER_DOCUMENT);
    const rounds = Math.max(
      ...chunk.map((n) => Math.ceil((byName.get(n)?.length ?? 0) / MAX_VALUES_PER_METRIC)),
    );
    for (let r = 0; r < rounds; r++) {
      const present = chunk.filter((n) => (byName.get(n)?.length ?? 0) > r * MAX_VALUES_PER_METRIC);
      const values: Record<string, number | number[]> = {};
      for (const name of present) {
        const slice = (byName.get(name) ?? []).slice(
          r * MAX_VALUES_PER_METRIC,
          (r + 1) * MAX_VALUES_PER_METRIC,
        );
        values[name] = slice.length === 1 ? (slice[0] as number) : slice;
      }
      lines.push(JSON.stringify(emfDocument(group, namespace, present, definitions, values)));
    }
  }
  return lines;
}

function emfDocument(
  group: Group,
  namespace: string,
  names: readonly string[],
  definitions: ReadonlyMap<string, Metric>,
  values: Record<string, number | number[]>,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: group.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(group.dimensions)],
          Metrics: names.map((name) => {
            const d = definitions.get(name);
            return {
              Name: name,
              ...(d?.unit === undefined ? {} : { Unit: d.unit }),
              ...(d?.storageResolution === undefined ? {} : { StorageResolution: d.storageResolution }),
            };
          }),
        },
      ],
    },
    ...group.dimensions,
    ...values,
  };
}

/** Writes {@link toEmfLines} to a stream (for example process.stdout in a Lambda). */
export async function writeEmf(
  stream: Writable,
  metrics: readonly Metric[],
  namespace: string,
): Promise<number> {
  const lines = toEmfLines(metrics, namespace);
  for (const line of lines) {
    if (!stream.write(`${line}\n`))
      await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
  }
  return lines.length;
}
