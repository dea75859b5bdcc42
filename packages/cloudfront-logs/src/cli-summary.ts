import { formatMinute, LogAggregate, STATUS_CLASSES, type StatusClass } from "./aggregate.js";
import type { LogSummary } from "./summary.js";

/** The contract of `cf-logs summarize --json`: totals over every file given. */
export interface CliSummary {
  records: number;
  malformed: number;
  requests: Record<StatusClass, number>;
  bytesSent: number;
  bytesReceived: number;
  cacheHits: number;
  cacheMisses: number;
  errors: number;
  /** Request count per minute, keyed `YYYY-MM-DDTHH:MMZ`, in time order. */
  perMinute: Record<string, number>;
  distributions: string[];
  files: number;
}

/** Adds several parse results into the CLI's totals. */
export function toCliSummary(summaries: readonly LogSummary[]): CliSummary {
  const aggregate = new LogAggregate();
  for (const summary of summaries) aggregate.merge(summary.aggregate);
  const requests = Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0])) as Record<StatusClass, number>;
  const perMinuteMs = new Map<number, number>();
  const out: CliSummary = {
    records: summaries.reduce((n, s) => n + s.records, 0),
    malformed: summaries.reduce((n, s) => n + s.malformed, 0),
    requests,
    bytesSent: 0,
    bytesReceived: 0,
    cacheHits: 0,
    cacheMisses: 0,
    errors: 0,
    perMinute: {},
    distributions: aggregate.distributionIds,
    files: summaries.length,
  };
  for (const bucket of aggregate.minutes()) {
    for (const c of STATUS_CLASSES) requests[c] += bucket.status[c];
    out.bytesSent += bucket.bytesSent;
    out.bytesReceived += bucket.bytesReceived;
    out.cacheHits += bucket.cacheHits;
    out.cacheMisses += bucket.cacheMisses;
    out.errors += bucket.errors;
    perMinuteMs.set(bucket.minute, (perMinuteMs.get(bucket.minute) ?? 0) + bucket.requests);
  }
  for (const minute of [...perMinuteMs.keys()].sort((a, b) => a - b)) {
    out.perMinute[formatMinute(minute)] = perMinuteMs.get(minute) ?? 0;
  }
  return out;
}
