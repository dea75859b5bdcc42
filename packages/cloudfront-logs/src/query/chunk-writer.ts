import { isUtf8 } from "node:buffer";
import {
  BIGINT,
  DATE,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  INTEGER,
  VARCHAR,
} from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import type { LineValues } from "../accumulator.js";
import { decimalFromBytes, packedDateFromBytes, wholeFromBytes } from "../values.js";
import { CLOUDFRONT_LOG_COLUMNS } from "./columns.js";
import { dateHour, LOG_ROW_COLUMNS, type LogRow, numberValue } from "./rows.js";

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;
const DAY_MS = 86_400_000;
const TWO_TO_32 = 4_294_967_296;
/** The largest time a JavaScript Date holds (TimeClip): the record path's `Date` gives NaN past it. */
const MAX_TIME_MS = 8.64e15;
const DASH = 0x2d;
const DATA_COLUMNS = CLOUDFRONT_LOG_COLUMNS.length;

type SlotKind = "text" | "date" | "integer" | "bigint" | "double";
const KIND_OF_TYPE = {
  VARCHAR: "text",
  DATE: "date",
  INTEGER: "integer",
  BIGINT: "bigint",
  DOUBLE: "double",
};
const TYPE_OF_KIND = { text: VARCHAR, date: DATE, integer: INTEGER, bigint: BIGINT, double: DOUBLE };

/** Where a column's value comes from on the byte path. */
type Role = "field" | "timestamp" | "distribution" | "datehour";

/** One column of the chunk: its vector, and (for fixed-width types) the typed array written into it. */
interface Slot {
  readonly kind: SlotKind;
  readonly role: Role;
  /** The log field it reads (data columns). */
  readonly source: string;
  readonly validity: Uint8Array;
  /** INTEGER and DATE: int32; BIGINT: two int32 halves per row (little-endian); DOUBLE: float64. */
  readonly ints: Int32Array | undefined;
  readonly doubles: Float64Array | undefined;
  vector: duckdb.Vector;
}

/** Field positions of one `#Fields` list: per slot, and those the request time is read from. */
interface FieldMap {
  readonly slots: Int32Array;
  readonly date: number;
  readonly time: number;
  readonly timestamp: number;
  readonly timestampMs: number;
}

function slotOf(column: number): Omit<Slot, "vector"> {
  const spec = LOG_ROW_COLUMNS[column];
  const kind = KIND_OF_TYPE[spec?.duckdbType ?? "VARCHAR"] as SlotKind;
  const source = CLOUDFRONT_LOG_COLUMNS[column]?.source ?? "";
  const role: Role =
    column === DATA_COLUMNS
      ? "distribution"
      : column === DATA_COLUMNS + 1
        ? "datehour"
        : source === "timestamp"
          ? "timestamp"
          : "field";
  return {
    kind,
    role,
    source,
    validity: new Uint8Array(CHUNK_ROWS / 8),
    ints:
      kind === "integer" || kind === "date"
        ? new Int32Array(CHUNK_ROWS)
        : kind === "bigint"
          ? new Int32Array(CHUNK_ROWS * 2)
          : undefined,
    doubles: kind === "double" ? new Float64Array(CHUNK_ROWS) : undefined,
  };
}

/**
 * Fills DuckDB data chunks column by column and hands each full one to an appender: numbers go into
 * typed arrays copied into the vectors once per chunk, strings into the vectors as bytes. Rows come
 * either as {@link LogRow}s (JSON input, the library's `appendLogRows`) or straight from the bytes of a
 * W3C line ({@link addLine}), which creates no string per field and no object per line.
 *
 * Both paths give the same values as {@link toLogRow} (a unit test compares them), except that an
 * INTEGER value outside int32 is NULL instead of an error.
 */
export class LogChunkWriter {
  private readonly chunk: DuckDBDataChunk;
  private readonly slots: Slot[];
  private row = 0;
  private appended = 0;
  private fieldMaps = new Map<readonly string[], FieldMap>();
  private cachedPackedDate = -1;
  private cachedDay = Number.NaN;
  /** Whether a column (`timestamp`, `datehour`) needs the request time of a W3C line. */
  private readonly needsRequestTime: boolean;

  /** `columns`: the table's columns, as indexes into {@link LOG_ROW_COLUMNS}, in table order. */
  constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly number[],
  ) {
    const specs = columns.map(slotOf);
    this.chunk = DuckDBDataChunk.create(specs.map((s) => TYPE_OF_KIND[s.kind]));
    this.needsRequestTime = specs.some((s) => s.role === "timestamp" || s.role === "datehour");
    this.slots = specs.map((spec, i) => ({
      ...spec,
      vector: duckdb.data_chunk_get_vector(this.chunk.chunk, i),
    }));
  }

  /** Rows appended so far, the partial chunk included. */
  get rows(): number {
    return this.appended + this.row;
  }

  /** Adds one row in {@link LOG_ROW_COLUMNS} order (values outside the table's columns are ignored). */
  addRow(values: LogRow): void {
    const row = this.row;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] as Slot;
      const value = values[this.columns[i] as number] ?? null;
      if (value === null) continue;
      if (typeof value === "string") {
        if (slot.kind === "text") this.setText(slot, row, value);
        else if (slot.kind === "date") this.setNumber(slot, row, Math.floor(Date.parse(value) / DAY_MS));
      } else this.setNumber(slot, row, value);
    }
    this.endRow();
  }

  /** Adds the W3C line the aggregator just accepted (see {@link W3CLineListener}). */
  addLine(buf: Buffer, starts: Int32Array, fields: readonly string[], values: Readonly<LineValues>): void {
    const map = this.fieldMap(fields);
    // Fields split at tabs (ASCII), so a line that is valid UTF-8 has valid UTF-8 fields, which DuckDB
    // takes as bytes; any other line goes through the decoder (replacement characters), as records do.
    const utf8 = isUtf8(buf.subarray(starts[0] as number, (starts[fields.length] as number) - 1));
    const epochMs = this.needsRequestTime ? this.requestEpochMs(buf, starts, map, values) : Number.NaN;
    const row = this.row;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] as Slot;
      if (slot.role === "distribution") this.setText(slot, row, values.distributionId);
      else if (slot.role === "datehour") {
        if (Number.isFinite(epochMs)) this.setText(slot, row, dateHour(epochMs));
      } else this.setLineField(slot, row, buf, starts, map.slots[i] as number, utf8, epochMs);
    }
    this.endRow();
  }

  /** A data column from field `k` (-1: not in this file); `timestamp` falls back to the request time. */
  private setLineField(
    slot: Slot,
    row: number,
    buf: Buffer,
    starts: Int32Array,
    k: number,
    utf8: boolean,
    epochMs: number,
  ): void {
    if (k >= 0) {
      const start = starts[k] as number;
      const end = (starts[k + 1] as number) - 1;
      if (!(end - start === 1 && buf[start] === DASH)) this.setField(slot, row, buf, start, end, utf8);
    }
    if (slot.role === "timestamp" && !this.isValid(slot, row) && Number.isFinite(epochMs))
      this.setNumber(slot, row, epochMs / 1000);
  }

  /** Appends the partial chunk, if any. Call once the input ends. */
  flush(): void {
    if (this.row === 0) return;
    const rows = this.row;
    for (const slot of this.slots) {
      const data = slot.ints ?? slot.doubles;
      if (data !== undefined) {
        const bytes = (data.byteLength / CHUNK_ROWS) * rows;
        duckdb.copy_data_to_vector(slot.vector, 0, data.buffer as ArrayBuffer, data.byteOffset, bytes);
      }
      duckdb.vector_ensure_validity_writable(slot.vector);
      const validity = slot.validity;
      duckdb.copy_data_to_vector_validity(
        slot.vector,
        0,
        validity.buffer as ArrayBuffer,
        validity.byteOffset,
        Math.ceil(rows / 64) * 8,
      );
    }
    duckdb.data_chunk_set_size(this.chunk.chunk, rows);
    this.appender.appendDataChunk(this.chunk);
    this.chunk.reset();
    for (const [i, slot] of this.slots.entries()) {
      slot.validity.fill(0);
      slot.vector = duckdb.data_chunk_get_vector(this.chunk.chunk, i);
    }
    this.appended += rows;
    this.row = 0;
  }

  private endRow(): void {
    this.row++;
    if (this.row === CHUNK_ROWS) this.flush();
  }

  private isValid(slot: Slot, row: number): boolean {
    return ((slot.validity[row >> 3] as number) & (1 << (row & 7))) !== 0;
  }

  private markValid(slot: Slot, row: number): void {
    slot.validity[row >> 3] = (slot.validity[row >> 3] as number) | (1 << (row & 7));
  }

  private setText(slot: Slot, row: number, value: string): void {
    duckdb.vector_assign_string_element(slot.vector, row, value);
    this.markValid(slot, row);
  }

  /** Writes a number into a fixed-width column; one its type cannot hold stays NULL. */
  private setNumber(slot: Slot, row: number, value: number): void {
    if (slot.doubles !== undefined) slot.doubles[row] = value;
    else if (slot.kind === "bigint") {
      if (!Number.isSafeInteger(value)) return;
      const high = Math.floor(value / TWO_TO_32);
      (slot.ints as Int32Array)[row * 2] = (value - high * TWO_TO_32) | 0;
      (slot.ints as Int32Array)[row * 2 + 1] = high;
    } else {
      if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) return;
      (slot.ints as Int32Array)[row] = value;
    }
    this.markValid(slot, row);
  }

  /** One field's bytes as its column's type; the same values as `toLogRow` gives for the text. */
  private setField(slot: Slot, row: number, buf: Buffer, start: number, end: number, utf8: boolean): void {
    switch (slot.kind) {
      case "text":
        if (utf8) {
          duckdb.vector_assign_string_element_len(slot.vector, row, buf.subarray(start, end));
          this.markValid(slot, row);
        } else this.setText(slot, row, buf.toString("utf8", start, end));
        return;
      case "date": {
        const day = this.dayNumber(buf, start, end);
        if (!Number.isNaN(day)) this.setNumber(slot, row, day);
        return;
      }
      case "double": {
        // decimalFromBytes reads only plain decimals, exactly as Number() does; anything else is parsed as text.
        const fast = decimalFromBytes(buf, start, end);
        const value = Number.isNaN(fast) ? numberValue(buf.toString("utf8", start, end), false) : fast;
        if (value !== null) this.setNumber(slot, row, value);
        return;
      }
      default: {
        const fast = wholeFromBytes(buf, start, end);
        const value = fast < 0 ? numberValue(buf.toString("utf8", start, end), true) : fast;
        if (value !== null) this.setNumber(slot, row, value);
      }
    }
  }

  /** `YYYY-MM-DD` as days since the epoch, NaN for anything else; lines in time order share the day. */
  private dayNumber(buf: Buffer, start: number, end: number): number {
    const packed = packedDateFromBytes(buf, start, end);
    if (packed < 0) return Number.NaN;
    if (packed !== this.cachedPackedDate) {
      this.cachedPackedDate = packed;
      this.cachedDay = Math.floor(Date.parse(buf.toString("latin1", start, end)) / DAY_MS);
    }
    return this.cachedDay;
  }

  /**
   * The request time as `CloudFrontLogRecord.timestamp` reads it: `date` + `time` (already validated by the
   * aggregator, whose minute it reuses), else `timestamp(ms)`, else `timestamp` seconds.
   */
  private requestEpochMs(
    buf: Buffer,
    starts: Int32Array,
    map: FieldMap,
    values: Readonly<LineValues>,
  ): number {
    const present = (k: number): boolean =>
      k >= 0 &&
      !((starts[k + 1] as number) - 1 - (starts[k] as number) === 1 && buf[starts[k] as number] === DASH);
    if (present(map.date) && present(map.time)) {
      const at = (starts[map.time] as number) + 6;
      return (
        values.minuteMs + ((buf[at] as number) - 0x30) * 10_000 + ((buf[at + 1] as number) - 0x30) * 1000
      );
    }
    const k = present(map.timestampMs) ? map.timestampMs : map.timestamp;
    if (!present(k)) return Number.NaN;
    const raw = decimalFromBytes(buf, starts[k] as number, (starts[k + 1] as number) - 1);
    const ms = Math.trunc(k === map.timestampMs ? raw : raw * 1000);
    return Math.abs(ms) > MAX_TIME_MS ? Number.NaN : ms;
  }

  private fieldMap(fields: readonly string[]): FieldMap {
    let map = this.fieldMaps.get(fields);
    if (map === undefined) {
      map = {
        slots: Int32Array.from(this.slots, (slot) =>
          slot.role === "field" || slot.role === "timestamp" ? fields.indexOf(slot.source) : -1,
        ),
        date: fields.indexOf("date"),
        time: fields.indexOf("time"),
        timestamp: fields.indexOf("timestamp"),
        timestampMs: fields.indexOf("timestamp(ms)"),
      };
      this.fieldMaps.set(fields, map);
    }
    return map;
  }
}
