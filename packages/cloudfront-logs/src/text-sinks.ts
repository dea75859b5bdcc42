import type { Accumulator } from "./accumulator.js";
import { fieldsFromHeader, headerlessFields, isHeaderLine } from "./header.js";
import type { LineSink } from "./line-splitter.js";
import { invalid, malformed } from "./malformed.js";
import { CloudFrontLogRecord } from "./record.js";
import { jsonFieldText, lineValuesFromText } from "./string-values.js";

/**
 * Turns text lines into field maps, validating them like the aggregator does, and keeps the valid ones
 * as records when asked (readRecords drains them after every chunk).
 */
export abstract class TextLineSink implements LineSink {
  readonly records: CloudFrontLogRecord[] = [];

  constructor(
    protected readonly accumulator: Accumulator,
    protected readonly defaultDistributionId: string,
    private readonly keepRecords: boolean,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    const values = this.fieldsOf(buf, start, end, lineNumber);
    if (values === undefined) return;
    const parsed = lineValuesFromText((name) => {
      const value = values.get(name);
      return value === "-" ? undefined : value;
    }, this.defaultDistributionId);
    if ("code" in parsed) {
      this.accumulator.reject(lineNumber, parsed);
      return;
    }
    this.accumulator.accept(parsed);
    if (this.keepRecords) this.records.push(new CloudFrontLogRecord(lineNumber, values));
  }

  /** The line's fields by name, or undefined when the line was a header or has been rejected. */
  protected abstract fieldsOf(
    buf: Buffer,
    start: number,
    end: number,
    lineNumber: number,
  ): Map<string, string> | undefined;
}

/** W3C lines as records (the aggregate-only path is the byte-level W3CAggregator). */
export class W3CTextSink extends TextLineSink {
  private fields: readonly string[] | undefined;

  constructor(accumulator: Accumulator, defaultDistributionId: string, fields?: readonly string[]) {
    super(accumulator, defaultDistributionId, true);
    this.fields = fields;
  }

  protected fieldsOf(
    buf: Buffer,
    start: number,
    end: number,
    lineNumber: number,
  ): Map<string, string> | undefined {
    if (isHeaderLine(buf, start, end)) {
      const fields = fieldsFromHeader(buf.toString("latin1", start, end));
      if (fields !== undefined) this.fields = fields;
      return undefined;
    }
    // UTF-8 with replacement characters: invalid bytes inside a field never make the line malformed.
    const parts = buf.toString("utf8", start, end).split("\t");
    const fields = this.fields ?? headerlessFields(parts.length);
    if (fields === undefined) {
      this.accumulator.reject(lineNumber, invalid.fieldCount(undefined, parts.length));
      return undefined;
    }
    if (parts.length !== fields.length) {
      this.accumulator.reject(lineNumber, invalid.fieldCount(fields.length, parts.length));
      return undefined;
    }
    return new Map(fields.map((name, k) => [name, parts[k] ?? "-"]));
  }
}

export class JsonLinesSink extends TextLineSink {
  protected fieldsOf(
    buf: Buffer,
    start: number,
    end: number,
    lineNumber: number,
  ): Map<string, string> | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString("utf8", start, end));
    } catch (error) {
      this.accumulator.reject(
        lineNumber,
        malformed("invalid-json", `invalid JSON: ${(error as Error).message}`),
      );
      return undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.accumulator.reject(lineNumber, malformed("invalid-json", "a JSON line must be an object"));
      return undefined;
    }
    const values = new Map<string, string>();
    for (const [name, value] of Object.entries(parsed)) values.set(name, jsonFieldText(value) ?? "-");
    return values;
  }
}
