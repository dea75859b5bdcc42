import type { LogInput } from "../input.js";
import { type ParseOptions, readRecords } from "../parse.js";
import type { CloudFrontLogRecord } from "../record.js";
import type { LogSummary } from "../summary.js";
import { CLOUDFRONT_LOG_COLUMNS, CLOUDFRONT_LOG_PARTITION_KEYS, type LogColumn } from "./columns.js";

/** One value of a row: text, a number (integer kinds are whole numbers), or NULL. */
export type LogValue = string | number | null;

/**
 * One record in appender form: a value per column of {@link LOG_ROW_COLUMNS}, in that order (the data
 * columns, then `distributionid` and `datehour`), ready for `appender.append*` or an Arrow builder.
 */
export type LogRow = LogValue[];

/** The column order of a {@link LogRow}: data columns, then the partition keys. */
export const LOG_ROW_COLUMNS: readonly Pick<LogColumn, "name" | "duckdbType" | "athenaType">[] = [
  ...CLOUDFRONT_LOG_COLUMNS,
  ...CLOUDFRONT_LOG_PARTITION_KEYS,
];

const DATA_COLUMNS = CLOUDFRONT_LOG_COLUMNS.length;
const TIMESTAMP_INDEX = CLOUDFRONT_LOG_COLUMNS.findIndex((c) => c.source === "timestamp");

/** A number field's value as the table holds it: NULL unless the text is a (whole, when asked) number. */
export function numberValue(text: string, whole: boolean): number | null {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) return null;
  if (whole && !Number.isSafeInteger(value)) return null;
  return value;
}

function columnValue(column: LogColumn, text: string | undefined): LogValue {
  if (text === undefined) return null;
  switch (column.kind) {
    case "text":
      return text;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
    case "double":
      return numberValue(text, false);
    default:
      return numberValue(text, true);
  }
}

const HOUR_MS = 3_600_000;
let lastHour = Number.NaN;
let lastHourKey = "";

/** `yyyy/MM/dd/HH` of an epoch time, UTC. Lines come in time order, so one cached hour serves most. */
export function dateHour(epochMs: number): string {
  const hour = Math.floor(epochMs / HOUR_MS);
  if (hour !== lastHour) {
    const iso = new Date(hour * HOUR_MS).toISOString();
    lastHour = hour;
    lastHourKey = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
  }
  return lastHourKey;
}

/**
 * The record as a row. Values stay as CloudFront wrote them (URL-encoded fields stay encoded, as Athena
 * reads them). One column is filled when the line lacks it: `timestamp` (epoch seconds) from `date` and
 * `time` or `timestamp(ms)`, so that every row has a request time whatever the format (legacy logs have no
 * `timestamp` field). `distributionid` is the line's `DistributionId`, else `defaultDistributionId`.
 *
 * @param only when given, columns outside it are NULL (skips the conversion of fields a query never reads).
 */
export function toLogRow(
  record: CloudFrontLogRecord,
  defaultDistributionId: string,
  only?: ReadonlySet<string>,
): LogRow {
  const row: LogRow = new Array(LOG_ROW_COLUMNS.length).fill(null);
  for (let i = 0; i < DATA_COLUMNS; i++) {
    const column = CLOUDFRONT_LOG_COLUMNS[i] as LogColumn;
    if (only === undefined || only.has(column.name)) row[i] = columnValue(column, record.get(column.source));
  }
  const at = record.timestamp?.getTime();
  const known = at !== undefined && Number.isFinite(at);
  if (row[TIMESTAMP_INDEX] === null && known && (only === undefined || only.has("timestamp")))
    row[TIMESTAMP_INDEX] = at / 1000;
  row[DATA_COLUMNS] = record.get("DistributionId") ?? defaultDistributionId;
  row[DATA_COLUMNS + 1] = known ? dateHour(at) : null;
  return row;
}

export interface LogRowBatchOptions extends ParseOptions {
  /** Rows per yielded batch (default 4,096): bounds what is held between parser and consumer. */
  batchRows?: number;
  /** Column names to fill; others are NULL. Default: all. */
  columns?: ReadonlySet<string>;
}

/**
 * Reads a log (any format {@link readRecords} reads) as batches of {@link LogRow}s. Pull-based like
 * `readRecords`: the next chunk is parsed only when the consumer asks for the next batch, so memory
 * stays flat however large the input. Returns the parse summary (records, malformed lines).
 */
export async function* logRowBatches(
  input: LogInput,
  options: LogRowBatchOptions = {},
): AsyncGenerator<LogRow[], LogSummary> {
  const { batchRows = 4096, columns, ...parseOptions } = options;
  const distributionId = parseOptions.distributionId ?? "unknown";
  const records = readRecords(input, parseOptions);
  let batch: LogRow[] = [];
  for (let step = await records.next(); ; step = await records.next()) {
    if (step.done === true) {
      if (batch.length > 0) yield batch;
      return step.value;
    }
    batch.push(toLogRow(step.value, distributionId, columns));
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
}
