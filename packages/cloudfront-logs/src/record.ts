import { decodeField, URL_ENCODED_FIELDS } from "./fields.js";

/** One log line as text. Values stay exactly as CloudFront wrote them until a caller asks to decode. */
export class CloudFrontLogRecord {
  constructor(
    /** 1-based line number in the decompressed input. */
    readonly lineNumber: number,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  /** The raw value, or undefined when the field is absent (`-`) or not in this file's field list. */
  get(field: string): string | undefined {
    const value = this.values.get(field);
    return value === undefined || value === "-" ? undefined : value;
  }

  /**
   * The value with URL encoding removed. CloudFront encodes some values twice (a `%` the client already
   * encoded becomes `%25`); pass `passes: 2` for those.
   */
  decoded(field: string, passes = 1): string | undefined {
    const value = this.get(field);
    return value === undefined ? undefined : decodeField(value, passes);
  }

  /** Whether CloudFront URL-encodes this field. */
  static isUrlEncoded(field: string): boolean {
    return URL_ENCODED_FIELDS.has(field);
  }

  /** Start of the request as a Date (from `date` + `time`, or the v2 `timestamp` fields). */
  get timestamp(): Date | undefined {
    const date = this.get("date");
    const time = this.get("time");
    if (date !== undefined && time !== undefined) return new Date(`${date}T${time}Z`);
    const ms = this.get("timestamp(ms)");
    if (ms !== undefined) return new Date(Number(ms));
    const seconds = this.get("timestamp");
    return seconds === undefined ? undefined : new Date(Number(seconds) * 1000);
  }

  /** Every field of the line by name, absent values as undefined. */
  toJSON(): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const name of this.values.keys()) out[name] = this.get(name);
    return out;
  }
}
