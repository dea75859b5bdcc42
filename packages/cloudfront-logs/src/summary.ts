import type { MalformedLine } from "./accumulator.js";
import type { LogAggregate } from "./aggregate.js";

export type LogFormat = "w3c" | "json" | "empty";

/** What a parse produced: the aggregate, exact counts and the first malformed lines. */
export interface LogSummary {
  format: LogFormat;
  /** Lines that became records. */
  records: number;
  /** Lines counted as malformed and skipped (blank and header lines are neither). */
  malformed: number;
  /** The first `maxMalformedDetails` malformed lines with their reasons. */
  malformedLines: MalformedLine[];
  aggregate: LogAggregate;
  /** Decompressed bytes read. */
  bytesRead: number;
}
