import type { LineValues } from "./accumulator.js";
import { invalid, type Rejection } from "./malformed.js";
import {
  dayStartMs,
  decimalFromBytes,
  minuteOfDayFromBytes,
  packedDateFromBytes,
  RESULT_OTHER,
  resultTypeFromString,
  statusFromBytes,
  wholeFromBytes,
} from "./values.js";

/** Reads one field of a line as text; undefined when the field is missing or `-`. */
export type FieldGetter = (name: string) => string | undefined;

const MINUTE_MS = 60_000;

function bytes(text: string): Buffer {
  return Buffer.from(text, "latin1");
}

const decimal = (text: string): number => decimalFromBytes(bytes(text), 0, text.length);

/** A number parsed from a field, or why the field is invalid. */
type Parsed = number | Rejection;

function minuteFromText(get: FieldGetter): Parsed {
  const date = get("date");
  const time = get("time");
  if (date === undefined || time === undefined) return minuteFromTimestamp(get);
  const packed = packedDateFromBytes(bytes(date), 0, date.length);
  const dayMs =
    packed < 0
      ? Number.NaN
      : dayStartMs(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
  if (Number.isNaN(dayMs)) return invalid.date(date);
  const minuteOfDay = minuteOfDayFromBytes(bytes(time), 0, time.length);
  if (minuteOfDay < 0) return invalid.time(time);
  return dayMs + minuteOfDay * MINUTE_MS;
}

function minuteFromTimestamp(get: FieldGetter): Parsed {
  const ms = get("timestamp(ms)");
  const raw = ms ?? get("timestamp");
  if (raw === undefined) return invalid.noTime();
  const value = decimal(raw);
  if (Number.isNaN(value)) return invalid.timestamp(ms !== undefined ? "timestamp(ms)" : "timestamp", raw);
  const epochMs = ms !== undefined ? value : value * 1000;
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

function statusFromText(text: string | undefined): Parsed {
  if (text === undefined) return 0;
  const status = statusFromBytes(bytes(text), 0, text.length);
  return status < 0 ? invalid.status(text) : status;
}

function wholeFromText(name: "sc-bytes" | "cs-bytes", text: string | undefined): Parsed {
  if (text === undefined) return 0;
  const value = wholeFromBytes(bytes(text), 0, text.length);
  return value < 0 ? invalid.bytes(name, text) : value;
}

/** NaN when absent: the aggregate does not count it. */
function durationFromText(name: "time-taken" | "time-to-first-byte", text: string | undefined): Parsed {
  if (text === undefined) return Number.NaN;
  const value = decimal(text);
  return Number.isNaN(value) ? invalid.duration(name) : value;
}

/**
 * The aggregate's view of a line given as text (JSON lines, records). Validates exactly as the byte
 * path does, by running the same parsers and the same rejections, so both paths agree on what is
 * malformed and why.
 */
export function lineValuesFromText(get: FieldGetter, defaultDistributionId: string): LineValues | Rejection {
  const parsed = [
    minuteFromText(get),
    statusFromText(get("sc-status")),
    wholeFromText("sc-bytes", get("sc-bytes")),
    wholeFromText("cs-bytes", get("cs-bytes")),
    durationFromText("time-taken", get("time-taken")),
    durationFromText("time-to-first-byte", get("time-to-first-byte")),
  ];
  const rejection = parsed.find((value): value is Rejection => typeof value !== "number");
  if (rejection !== undefined) return rejection;
  const [minuteMs, status, bytesSent, bytesReceived, timeTaken, timeToFirstByte] = parsed as number[];
  const resultText = get("x-edge-result-type");
  return {
    distributionId: get("DistributionId") ?? defaultDistributionId,
    minuteMs: minuteMs as number,
    status: status as number,
    bytesSent: bytesSent as number,
    bytesReceived: bytesReceived as number,
    result: resultText === undefined ? RESULT_OTHER : resultTypeFromString(resultText),
    timeTaken: timeTaken as number,
    timeToFirstByte: timeToFirstByte as number,
  };
}

/** A JSON value as field text: `-`, null and missing are absent; numbers keep their JSON spelling. */
export function jsonFieldText(value: unknown): string | undefined {
  if (value === null || value === undefined || value === "-") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
