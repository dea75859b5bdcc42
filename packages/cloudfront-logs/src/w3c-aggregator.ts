import type { Accumulator, LineValues } from "./accumulator.js";
import { type AggregatedFieldIndexes, aggregatedFieldIndexes } from "./fields.js";
import { fieldsFromHeader, headerlessFields, isHeaderLine } from "./header.js";
import type { LineSink } from "./line-splitter.js";
import { TabScanner } from "./tab-scanner.js";
import {
  dayStartMs,
  decimalFromBytes,
  minuteOfDayFromBytes,
  packedDateFromBytes,
  RESULT_OTHER,
  resultTypeFromBytes,
  statusFromBytes,
  wholeFromBytes,
} from "./values.js";

const DASH = 0x2d;
const MAX_FIELDS = 512;
const MINUTE_MS = 60_000;

/**
 * The hot path of `summarize`: reads only the fields the aggregate needs, straight from the bytes.
 * No string or object is created per line except for header lines.
 */
export class W3CAggregator implements LineSink {
  private fields: readonly string[] | undefined;
  private indexes: AggregatedFieldIndexes | undefined;
  /** starts[k] is the first byte of field k; starts[k + 1] - 1 is one past its end. */
  private readonly starts = new Int32Array(MAX_FIELDS + 8);
  private readonly scanner = new TabScanner();
  private cachedPackedDate = -1;
  private cachedDayMs = 0;
  private cachedDistributionBytes: Buffer | undefined;
  private cachedDistributionId = "";
  private readonly values: LineValues = {
    distributionId: "",
    minuteMs: 0,
    status: 0,
    bytesSent: 0,
    bytesReceived: 0,
    result: RESULT_OTHER,
    timeTaken: Number.NaN,
    timeToFirstByte: Number.NaN,
  };

  constructor(
    private readonly accumulator: Accumulator,
    private readonly defaultDistributionId: string,
    fields?: readonly string[],
  ) {
    if (fields !== undefined) this.useFields(fields);
  }

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    if (isHeaderLine(buf, start, end)) {
      const fields = fieldsFromHeader(buf.toString("latin1", start, end));
      if (fields !== undefined) this.useFields(fields);
      return;
    }
    const count = this.scanner.scan(buf, start, end, this.starts, MAX_FIELDS);
    if (count > MAX_FIELDS) {
      this.accumulator.reject(lineNumber, "field-count", `more than ${MAX_FIELDS} fields`);
      return;
    }

    let fields = this.fields;
    if (fields === undefined) {
      // Before any header each line is read by its own field count: a headerless line fixes nothing.
      fields = headerlessFields(count);
      if (fields === undefined) {
        this.accumulator.reject(lineNumber, "field-count", `found ${count} fields before any #Fields header`);
        return;
      }
      this.indexes = this.headerlessIndexes(fields);
    }
    if (count !== fields.length) {
      this.accumulator.reject(
        lineNumber,
        "field-count",
        `expected ${fields.length} fields (from #Fields), found ${count}`,
      );
      return;
    }
    const reason = this.readValues(buf);
    if (reason !== undefined) this.accumulator.reject(lineNumber, "invalid-value", reason);
    else this.accumulator.accept(this.values);
  }

  private readonly headerlessIndexCache = new Map<readonly string[], AggregatedFieldIndexes>();

  private headerlessIndexes(fields: readonly string[]): AggregatedFieldIndexes {
    let indexes = this.headerlessIndexCache.get(fields);
    if (indexes === undefined) {
      indexes = aggregatedFieldIndexes(fields);
      this.headerlessIndexCache.set(fields, indexes);
    }
    return indexes;
  }

  private useFields(fields: readonly string[]): void {
    this.fields = fields;
    this.indexes = aggregatedFieldIndexes(fields);
  }

  private fieldText(buf: Buffer, k: number): string {
    return buf.toString("latin1", this.starts[k] as number, (this.starts[k + 1] as number) - 1);
  }

  /** True when field k is not in this file or is `-`. */
  private absent(buf: Buffer, k: number): boolean {
    if (k < 0) return true;
    const start = this.starts[k] as number;
    return (this.starts[k + 1] as number) - 1 - start === 1 && buf[start] === DASH;
  }

  /** Fills `this.values`; returns the reason when the line is malformed. */
  private readValues(buf: Buffer): string | undefined {
    const ix = this.indexes as AggregatedFieldIndexes;
    const starts = this.starts;
    const values = this.values;

    // A "-" date or time counts as absent, as the text path reads it, so both give the same reason.
    if (!this.absent(buf, ix.date) && !this.absent(buf, ix.time)) {
      const packed = packedDateFromBytes(buf, starts[ix.date] as number, (starts[ix.date + 1] as number) - 1);
      if (packed < 0 || packed !== this.cachedPackedDate) {
        const dayMs =
          packed < 0
            ? Number.NaN
            : dayStartMs(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
        if (Number.isNaN(dayMs)) return `impossible date "${this.fieldText(buf, ix.date)}"`;
        this.cachedPackedDate = packed;
        this.cachedDayMs = dayMs;
      }
      const minuteOfDay = minuteOfDayFromBytes(
        buf,
        starts[ix.time] as number,
        (starts[ix.time + 1] as number) - 1,
      );
      if (minuteOfDay < 0) return `impossible time "${this.fieldText(buf, ix.time)}"`;
      values.minuteMs = this.cachedDayMs + minuteOfDay * MINUTE_MS;
    } else {
      const k = this.absent(buf, ix.timestampMs) ? ix.timestamp : ix.timestampMs;
      if (this.absent(buf, k)) return "no date and time, timestamp or timestamp(ms) field";
      const raw = decimalFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      const name = k === ix.timestampMs ? "timestamp(ms)" : "timestamp";
      if (Number.isNaN(raw)) return `invalid ${name} "${this.fieldText(buf, k)}"`;
      const epochMs = k === ix.timestampMs ? raw : raw * 1000;
      values.minuteMs = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
    }

    let k = ix.status;
    if (this.absent(buf, k)) values.status = 0;
    else {
      values.status = statusFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      if (values.status < 0) return `sc-status "${this.fieldText(buf, k)}" is not three digits`;
    }

    k = ix.bytesSent;
    if (this.absent(buf, k)) values.bytesSent = 0;
    else {
      values.bytesSent = wholeFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      if (values.bytesSent < 0) return `sc-bytes "${this.fieldText(buf, k)}" is not a whole number`;
    }

    k = ix.bytesReceived;
    if (this.absent(buf, k)) values.bytesReceived = 0;
    else {
      values.bytesReceived = wholeFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      if (values.bytesReceived < 0) return `cs-bytes "${this.fieldText(buf, k)}" is not a whole number`;
    }

    k = ix.edgeResultType;
    values.result = this.absent(buf, k)
      ? RESULT_OTHER
      : resultTypeFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);

    k = ix.timeTaken;
    if (this.absent(buf, k)) values.timeTaken = Number.NaN;
    else {
      values.timeTaken = decimalFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      if (Number.isNaN(values.timeTaken)) return "time-taken is not a number of seconds";
    }

    k = ix.timeToFirstByte;
    if (this.absent(buf, k)) values.timeToFirstByte = Number.NaN;
    else {
      values.timeToFirstByte = decimalFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
      if (Number.isNaN(values.timeToFirstByte)) return "time-to-first-byte is not a number of seconds";
    }

    k = ix.distributionId;
    values.distributionId = this.absent(buf, k)
      ? this.defaultDistributionId
      : this.distributionIdAt(buf, starts[k] as number, (starts[k + 1] as number) - 1);
    return undefined;
  }

  private distributionIdAt(buf: Buffer, start: number, end: number): string {
    const cached = this.cachedDistributionBytes;
    if (cached?.equals(buf.subarray(start, end))) return this.cachedDistributionId;
    this.cachedDistributionBytes = Buffer.from(buf.subarray(start, end));
    this.cachedDistributionId = buf.toString("latin1", start, end);
    return this.cachedDistributionId;
  }
}
