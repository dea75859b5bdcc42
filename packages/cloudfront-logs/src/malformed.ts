/**
 * The one table of reasons a line is malformed, shared by the byte path (W3C `summarize`) and the text
 * path (JSON lines, `readRecords`). Like csv-parse's error codes: match on `code`, which is stable;
 * `reason` is for people and may change wording. Both paths build their rejections with
 * {@link malformed}, so a code cannot appear without its entry here.
 */
export const MALFORMED_CODES = {
  "line-too-long": "longer than maxLineBytes (default 65,536 bytes); its bytes were dropped unread",
  "cut-off": "the last line of a truncated or corrupt gzip stream",
  "field-count": "more or fewer fields than its #Fields header names (or no header and not legacy)",
  "invalid-json": "a JSON-format line that is not a JSON object",
  "no-time": "none of date and time, timestamp or timestamp(ms) is present",
  "invalid-date": "date is not an existing calendar day YYYY-MM-DD",
  "invalid-time": "time is not an existing time of day HH:MM:SS",
  "invalid-timestamp": "timestamp or timestamp(ms) is not a non-negative decimal number",
  "invalid-status": "sc-status is not three digits",
  "invalid-bytes": "sc-bytes or cs-bytes is not a whole number",
  "invalid-duration": "time-taken or time-to-first-byte is not a non-negative number of seconds",
} as const satisfies Record<string, string>;

/** Why a line is malformed: a key of {@link MALFORMED_CODES}. */
export type MalformedCode = keyof typeof MALFORMED_CODES;

/** Every code, in the table's order. */
export const MALFORMED_CODE_LIST = Object.keys(MALFORMED_CODES) as MalformedCode[];

/** Why one line was rejected: a code from the table and a reason naming the offending text. */
export interface Rejection {
  code: MalformedCode;
  reason: string;
}

/** A line that was counted as malformed and skipped, with the reason. */
export interface MalformedLine extends Rejection {
  lineNumber: number;
}

/** Builds a rejection; `reason` names the offending value (the code's meaning is in the table). */
export function malformed(code: MalformedCode, reason: string): Rejection {
  return { code, reason };
}

/** The value checks both paths make, so a bad value gets the same code and reason on either path. */
export const invalid = {
  date: (text: string): Rejection => malformed("invalid-date", `impossible date "${text}"`),
  time: (text: string): Rejection => malformed("invalid-time", `impossible time "${text}"`),
  timestamp: (name: "timestamp" | "timestamp(ms)", text: string): Rejection =>
    malformed("invalid-timestamp", `invalid ${name} "${text}"`),
  noTime: (): Rejection => malformed("no-time", "no date and time, timestamp or timestamp(ms) field"),
  status: (text: string): Rejection => malformed("invalid-status", `sc-status "${text}" is not three digits`),
  bytes: (name: "sc-bytes" | "cs-bytes", text: string): Rejection =>
    malformed("invalid-bytes", `${name} "${text}" is not a whole number`),
  duration: (name: "time-taken" | "time-to-first-byte"): Rejection =>
    malformed("invalid-duration", `${name} is not a number of seconds`),
  fieldCount: (expected: number | undefined, found: number): Rejection =>
    malformed(
      "field-count",
      expected === undefined
        ? `found ${found} fields before any #Fields header`
        : `expected ${expected} fields (from #Fields), found ${found}`,
    ),
};
