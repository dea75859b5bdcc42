import type { LineValues } from "./accumulator.js";
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

/**
 * The aggregate's view of a line given as text (JSON lines, records). Validates exactly as the byte
 * path does, by running the same parsers, so both paths agree on what is malformed.
 */
export function lineValuesFromText(get: FieldGetter, defaultDistributionId: string): LineValues | string {
  let minuteMs: number;
  const date = get("date");
  const time = get("time");
  if (date !== undefined && time !== undefined) {
    const packed = packedDateFromBytes(bytes(date), 0, date.length);
    const dayMs =
      packed < 0
        ? Number.NaN
        : dayStartMs(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
    if (Number.isNaN(dayMs)) return `impossible date "${date}"`;
    const minuteOfDay = minuteOfDayFromBytes(bytes(time), 0, time.length);
    if (minuteOfDay < 0) return `impossible time "${time}"`;
    minuteMs = dayMs + minuteOfDay * MINUTE_MS;
  } else {
    const ms = get("timestamp(ms)");
    const seconds = get("timestamp");
    const raw = ms ?? seconds;
    if (raw === undefined) return "no date and time, timestamp or timestamp(ms) field";
    const value = decimal(raw);
    if (Number.isNaN(value)) return `invalid ${ms !== undefined ? "timestamp(ms)" : "timestamp"} "${raw}"`;
    const epochMs = ms !== undefined ? value : value * 1000;
    minuteMs = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
  }

  const statusText = get("sc-status");
  const status = statusText === undefined ? 0 : statusFromBytes(bytes(statusText), 0, statusText.length);
  if (status < 0) return `sc-status "${statusText}" is not three digits`;

  const sentText = get("sc-bytes");
  const bytesSent = sentText === undefined ? 0 : wholeFromBytes(bytes(sentText), 0, sentText.length);
  if (bytesSent < 0) return `sc-bytes "${sentText}" is not a whole number`;

  const receivedText = get("cs-bytes");
  const bytesReceived =
    receivedText === undefined ? 0 : wholeFromBytes(bytes(receivedText), 0, receivedText.length);
  if (bytesReceived < 0) return `cs-bytes "${receivedText}" is not a whole number`;

  const resultText = get("x-edge-result-type");
  const takenText = get("time-taken");
  const timeTaken = takenText === undefined ? Number.NaN : decimal(takenText);
  if (takenText !== undefined && Number.isNaN(timeTaken)) return "time-taken is not a number of seconds";
  const ttfbText = get("time-to-first-byte");
  const timeToFirstByte = ttfbText === undefined ? Number.NaN : decimal(ttfbText);
  if (ttfbText !== undefined && Number.isNaN(timeToFirstByte))
    return "time-to-first-byte is not a number of seconds";

  return {
    distributionId: get("DistributionId") ?? defaultDistributionId,
    minuteMs,
    status,
    bytesSent,
    bytesReceived,
    result: resultText === undefined ? RESULT_OTHER : resultTypeFromString(resultText),
    timeTaken,
    timeToFirstByte,
  };
}

/** A JSON value as field text: `-`, null and missing are absent; numbers keep their JSON spelling. */
export function jsonFieldText(value: unknown): string | undefined {
  if (value === null || value === undefined || value === "-") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
