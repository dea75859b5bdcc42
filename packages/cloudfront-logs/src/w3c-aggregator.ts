import type { Accumulator, LineValues } from "./accumulator.js";
import { type AggregatedFieldIndexes, aggregatedFieldIndexes } from "./fields.js";
import { fieldsFromHeader, headerlessFields, isHeaderLine } from "./header.js";
import type { LineSink } from "./line-splitter.js";
import { invalid, malformed, type Rejection } from "./malformed.js";
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

/**
 * Sees every valid line the aggregator accepted, while the scan is still current: `starts` as
 * {@link TabScanner.starts}, `fields` the line's field names, `values` what the aggregate took from it.
 * `cf-logs query` builds its rows here, from the bytes, instead of from a record per line.
 */
export type W3CLineListener = (
  buf: Buffer,
  starts: Int32Array,
  fields: readonly string[],
  values: Readonly<LineValues>,
) => void;
const MAX_FIELDS = 512;
const MINUTE_MS = 60_000;

/**
 * The hot path of `summarize`: reads only the fields the aggregate needs, straight from the bytes.
 * No string or object is created per line except for header lines.
 */
export class W3CAggregator implements LineSink {
  private fields: readonly string[] | undefined;
  private indexes: AggregatedFieldIndexes | undefined;
  /** starts[k] is the first byte of field k; starts[k + 1] - 1 is one past its end (the scanner's). */
  private starts: Int32Array;
  private readonly scanner = new TabScanner(MAX_FIELDS);
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
    private readonly onLine?: W3CLineListener,
  ) {
    this.starts = this.scanner.starts;
    if (fields !== undefined) this.useFields(fields);
  }

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    if (isHeaderLine(buf, start, end)) {
      const fields = fieldsFromHeader(buf.toString("latin1", start, end));
      if (fields !== undefined) this.useFields(fields);
      return;
    }
    const count = this.scanner.scan(buf, start, end);
    this.starts = this.scanner.starts;
    if (count > MAX_FIELDS) {
      this.accumulator.reject(lineNumber, malformed("field-count", `more than ${MAX_FIELDS} fields`));
      return;
    }

    let fields = this.fields;
    if (fields === undefined) {
      // Before any header each line is read by its own field count: a headerless line fixes nothing.
      fields = headerlessFields(count);
      if (fields === undefined) {
        this.accumulator.reject(lineNumber, invalid.fieldCount(undefined, count));
        return;
      }
      this.indexes = this.headerlessIndexes(fields);
    }
    if (count !== fields.length) {
      this.accumulator.reject(lineNumber, invalid.fieldCount(fields.length, count));
      return;
    }
    const rejection = this.readValues(buf);
    if (rejection !== undefined) this.accumulator.reject(lineNumber, rejection);
    else {
      this.accumulator.accept(this.values);
      this.onLine?.(buf, this.starts, fields, this.values);
    }
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

  /** One past the last byte of field k. */
  private fieldEnd(k: number): number {
    return (this.starts[k + 1] as number) - 1;
  }

  /** Fills `this.values`; returns why when the line is malformed. */
  private readValues(buf: Buffer): Rejection | undefined {
    const ix = this.indexes as AggregatedFieldIndexes;
    const values = this.values;
    const rejection = this.readMinute(buf, ix) ?? this.readCounts(buf, ix) ?? this.readDurations(buf, ix);
    if (rejection !== undefined) return rejection;
    const k = ix.edgeResultType;
    values.result = this.absent(buf, k)
      ? RESULT_OTHER
      : resultTypeFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    values.distributionId = this.absent(buf, ix.distributionId)
      ? this.defaultDistributionId
      : this.distributionIdAt(
          buf,
          this.starts[ix.distributionId] as number,
          this.fieldEnd(ix.distributionId),
        );
    return undefined;
  }

  /** The minute from date and time, else from timestamp(ms) or timestamp. */
  private readMinute(buf: Buffer, ix: AggregatedFieldIndexes): Rejection | undefined {
    // A "-" date or time counts as absent, as the text path reads it, so both give the same reason.
    if (this.absent(buf, ix.date) || this.absent(buf, ix.time)) return this.readTimestamp(buf, ix);
    const packed = packedDateFromBytes(buf, this.starts[ix.date] as number, this.fieldEnd(ix.date));
    // Lines come in time order: the day is computed again only when the date text changes.
    if (packed < 0 || packed !== this.cachedPackedDate) {
      const dayMs =
        packed < 0
          ? Number.NaN
          : dayStartMs(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
      if (Number.isNaN(dayMs)) return invalid.date(this.fieldText(buf, ix.date));
      this.cachedPackedDate = packed;
      this.cachedDayMs = dayMs;
    }
    const minuteOfDay = minuteOfDayFromBytes(buf, this.starts[ix.time] as number, this.fieldEnd(ix.time));
    if (minuteOfDay < 0) return invalid.time(this.fieldText(buf, ix.time));
    this.values.minuteMs = this.cachedDayMs + minuteOfDay * MINUTE_MS;
    return undefined;
  }

  private readTimestamp(buf: Buffer, ix: AggregatedFieldIndexes): Rejection | undefined {
    const k = this.absent(buf, ix.timestampMs) ? ix.timestamp : ix.timestampMs;
    if (this.absent(buf, k)) return invalid.noTime();
    const raw = decimalFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    const inMs = k === ix.timestampMs;
    if (Number.isNaN(raw))
      return invalid.timestamp(inMs ? "timestamp(ms)" : "timestamp", this.fieldText(buf, k));
    const epochMs = inMs ? raw : raw * 1000;
    this.values.minuteMs = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
    return undefined;
  }

  /** sc-status, sc-bytes and cs-bytes; absent ones read as 0. */
  private readCounts(buf: Buffer, ix: AggregatedFieldIndexes): Rejection | undefined {
    const values = this.values;
    let k = ix.status;
    values.status = this.absent(buf, k)
      ? 0
      : statusFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    if (values.status < 0) return invalid.status(this.fieldText(buf, k));
    k = ix.bytesSent;
    values.bytesSent = this.absent(buf, k)
      ? 0
      : wholeFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    if (values.bytesSent < 0) return invalid.bytes("sc-bytes", this.fieldText(buf, k));
    k = ix.bytesReceived;
    values.bytesReceived = this.absent(buf, k)
      ? 0
      : wholeFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    if (values.bytesReceived < 0) return invalid.bytes("cs-bytes", this.fieldText(buf, k));
    return undefined;
  }

  /** time-taken and time-to-first-byte; absent ones read as NaN (not counted). */
  private readDurations(buf: Buffer, ix: AggregatedFieldIndexes): Rejection | undefined {
    const values = this.values;
    let k = ix.timeTaken;
    const takenAbsent = this.absent(buf, k);
    values.timeTaken = takenAbsent
      ? Number.NaN
      : decimalFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    if (!takenAbsent && Number.isNaN(values.timeTaken)) return invalid.duration("time-taken");
    k = ix.timeToFirstByte;
    const ttfbAbsent = this.absent(buf, k);
    values.timeToFirstByte = ttfbAbsent
      ? Number.NaN
      : decimalFromBytes(buf, this.starts[k] as number, this.fieldEnd(k));
    if (!ttfbAbsent && Number.isNaN(values.timeToFirstByte)) return invalid.duration("time-to-first-byte");
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
