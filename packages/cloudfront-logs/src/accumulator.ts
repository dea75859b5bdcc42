import { LogAggregate, type MinuteBucket } from "./aggregate.js";
import type { MalformedLine, Rejection } from "./malformed.js";
import { RESULT_ERROR, RESULT_HIT, RESULT_MISS } from "./values.js";

export type { MalformedCode, MalformedLine } from "./malformed.js";

/** The parsed values of one valid line, as the aggregate needs them. NaN means the field was absent. */
export interface LineValues {
  distributionId: string;
  minuteMs: number;
  status: number;
  bytesSent: number;
  bytesReceived: number;
  result: number;
  timeTaken: number;
  timeToFirstByte: number;
}

/** Collects valid lines into the aggregate and malformed ones into a capped list with an exact count. */
export class Accumulator {
  readonly aggregate = new LogAggregate();
  records = 0;
  malformed = 0;
  readonly malformedLines: MalformedLine[] = [];
  private lastBucket: MinuteBucket | undefined;

  constructor(
    private readonly maxMalformedDetails: number,
    private readonly onMalformed?: (line: MalformedLine) => void,
  ) {}

  reject(lineNumber: number, rejection: Rejection): void {
    this.malformed++;
    const line: MalformedLine = { lineNumber, code: rejection.code, reason: rejection.reason };
    if (this.malformedLines.length < this.maxMalformedDetails) this.malformedLines.push(line);
    this.onMalformed?.(line);
  }

  accept(values: LineValues): void {
    this.records++;
    // Lines arrive in time order, so most share the previous line's bucket.
    let bucket = this.lastBucket;
    if (
      bucket === undefined ||
      bucket.minute !== values.minuteMs ||
      bucket.distributionId !== values.distributionId
    ) {
      bucket = this.aggregate.bucket(values.distributionId, values.minuteMs);
      this.lastBucket = bucket;
    }
    bucket.requests++;
    const status = values.status;
    if (status >= 200 && status < 300) bucket.status["2xx"]++;
    else if (status >= 300 && status < 400) bucket.status["3xx"]++;
    else if (status >= 400 && status < 500) bucket.status["4xx"]++;
    else if (status >= 500 && status < 600) bucket.status["5xx"]++;
    else bucket.status.other++;
    if (values.bytesSent > 0) bucket.bytesSent += values.bytesSent;
    if (values.bytesReceived > 0) bucket.bytesReceived += values.bytesReceived;
    if (values.result === RESULT_HIT) bucket.cacheHits++;
    else if (values.result === RESULT_MISS) bucket.cacheMisses++;
    else if (values.result === RESULT_ERROR) bucket.errors++;
    if (!Number.isNaN(values.timeTaken)) bucket.timeTaken.add(values.timeTaken);
    if (!Number.isNaN(values.timeToFirstByte)) bucket.timeToFirstByte.add(values.timeToFirstByte);
  }
}
