/**
 * Value parsers shared by the byte path (W3C lines) and the string path (JSON lines, records).
 * Each returns NaN (or -1 for the day) for invalid input, so the caller decides what is malformed.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds at 00:00 UTC of a calendar day, or NaN when the date does not exist. */
export function dayStartMs(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > days) return Number.NaN;
  return Date.UTC(year, month - 1, day);
}

const ZERO = 0x30;

function digitAt(buf: Uint8Array, i: number): number {
  const d = (buf[i] ?? 0) - ZERO;
  return d >= 0 && d <= 9 ? d : -100_000;
}

/** `YYYY-MM-DD` as a packed integer YYYYMMDD, or -1. */
export function packedDateFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (end - start !== 10 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d) return -1;
  const year =
    digitAt(buf, start) * 1000 +
    digitAt(buf, start + 1) * 100 +
    digitAt(buf, start + 2) * 10 +
    digitAt(buf, start + 3);
  const month = digitAt(buf, start + 5) * 10 + digitAt(buf, start + 6);
  const day = digitAt(buf, start + 8) * 10 + digitAt(buf, start + 9);
  if (year < 0 || month < 0 || day < 0) return -1;
  return year * 10000 + month * 100 + day;
}

/** `HH:MM:SS` as minutes since midnight, or -1 for an impossible time. Seconds are validated, not kept. */
export function minuteOfDayFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (end - start !== 8 || buf[start + 2] !== 0x3a || buf[start + 5] !== 0x3a) return -1;
  const hour = digitAt(buf, start) * 10 + digitAt(buf, start + 1);
  const minute = digitAt(buf, start + 3) * 10 + digitAt(buf, start + 4);
  const second = digitAt(buf, start + 6) * 10 + digitAt(buf, start + 7);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  return hour * 60 + minute;
}

/** A three-digit HTTP status (`000` included), or -1. */
export function statusFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (end - start !== 3) return -1;
  const status = digitAt(buf, start) * 100 + digitAt(buf, start + 1) * 10 + digitAt(buf, start + 2);
  return status >= 0 ? status : -1;
}

/** A whole number of up to 15 digits, or -1. */
export function wholeFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = (buf[i] ?? 0) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * A non-negative decimal such as `0.082`, or NaN. Computed as an exact integer divided by a power of ten,
 * which rounds exactly like `Number("0.082")`, so equal texts always give equal keys.
 */
export function decimalFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return Number.NaN;
  let mantissa = 0;
  let fractionDigits = -1;
  for (let i = start; i < end; i++) {
    const byte = buf[i] ?? 0;
    if (byte === 0x2e) {
      if (fractionDigits !== -1) return Number.NaN;
      fractionDigits = 0;
      continue;
    }
    const d = byte - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    mantissa = mantissa * 10 + d;
    if (fractionDigits !== -1) fractionDigits++;
  }
  if (fractionDigits === 0) return Number.NaN;
  if (fractionDigits <= 0) return mantissa;
  const scale = POWERS_OF_TEN[fractionDigits];
  return scale === undefined ? Number.NaN : mantissa / scale;
}

export const RESULT_OTHER = 0;
export const RESULT_HIT = 1;
export const RESULT_MISS = 2;
export const RESULT_ERROR = 3;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const RESULT_WORDS: ReadonlyArray<readonly [Uint8Array, number]> = [
  [ascii("Hit"), RESULT_HIT],
  [ascii("Miss"), RESULT_MISS],
  [ascii("Error"), RESULT_ERROR],
  [ascii("RefreshHit"), RESULT_HIT],
  [ascii("LimitExceeded"), RESULT_ERROR],
  [ascii("CapacityExceeded"), RESULT_ERROR],
];

/**
 * `x-edge-result-type` classified without creating a string: Hit and RefreshHit are hits, Miss a miss,
 * and Error, LimitExceeded and CapacityExceeded (requests CloudFront failed or refused) are errors.
 */
export function resultTypeFromBytes(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (const [word, result] of RESULT_WORDS) {
    if (word.length !== length) continue;
    let i = 0;
    while (i < length && buf[start + i] === word[i]) i++;
    return i === length ? result : RESULT_OTHER;
  }
  return RESULT_OTHER;
}

export function resultTypeFromString(value: string): number {
  switch (value) {
    case "Hit":
    case "RefreshHit":
      return RESULT_HIT;
    case "Miss":
      return RESULT_MISS;
    case "Error":
    case "LimitExceeded":
    case "CapacityExceeded":
      return RESULT_ERROR;
    default:
      return RESULT_OTHER;
  }
}
