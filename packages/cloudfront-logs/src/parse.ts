import { Accumulator, type MalformedLine } from "./accumulator.js";
import { TruncatedLogError, UnsupportedFormatError } from "./errors.js";
import { type DecompressedInput, isDecompressionError, type LogInput, openInput } from "./input.js";
import { DEFAULT_MAX_LINE_BYTES, type LineSink, LineSplitter } from "./line-splitter.js";
import { malformed } from "./malformed.js";
import type { CloudFrontLogRecord } from "./record.js";
import type { LogFormat, LogSummary } from "./summary.js";
import { JsonLinesSink, TextLineSink, W3CTextSink } from "./text-sinks.js";
import { W3CAggregator, type W3CLineListener } from "./w3c-aggregator.js";

export interface ParseOptions {
  /** Dimension value for lines that carry no `DistributionId` field. Default: `"unknown"`. */
  distributionId?: string;
  /**
   * Field order for W3C/plain input that has no `#Fields` header (v2 "plain" output). Without it such
   * lines are read in the legacy order when they have 33 or 26 fields, and are malformed otherwise.
   */
  fields?: readonly string[];
  /** How many malformed lines to keep with their reason; the count is always exact. Default 100. */
  maxMalformedDetails?: number;
  /** Called for every malformed line, beyond the kept details too. */
  onMalformed?: (line: MalformedLine) => void;
  /**
   * The longest line read, in bytes (terminator excluded). Default 65,536: above the longest line
   * CloudFront can write. A longer line is malformed (`line-too-long`); past this length its bytes are
   * dropped as they arrive, so memory stays flat whatever the input holds.
   */
  maxLineBytes?: number;
}

/**
 * What the parse loop hands on besides the aggregate: nothing, a record per valid line, or (`onW3CLine`)
 * each valid W3C line's bytes to a listener, with JSON lines still as records.
 */
interface ParseMode {
  records: boolean;
  onW3CLine?: W3CLineListener;
}

/** Picks the format from the first non-blank line and forwards every line to the matching sink. */
class FormatDetector implements LineSink {
  format: LogFormat = "empty";
  private sink: LineSink | undefined;

  constructor(
    private readonly accumulator: Accumulator,
    private readonly options: ParseOptions,
    private readonly mode: ParseMode,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (this.sink === undefined) {
      if (start === end) return;
      this.sink = this.choose(buf[start] === 0x7b ? "json" : "w3c");
    }
    this.sink.line(buf, start, end, lineNumber);
  }

  /** Records completed since the last call (always empty when records are not kept). */
  takeRecords(): CloudFrontLogRecord[] {
    const sink = this.sink;
    if (sink instanceof TextLineSink) return sink.records.splice(0);
    return [];
  }

  private choose(format: "json" | "w3c"): LineSink {
    this.format = format;
    const id = this.options.distributionId ?? "unknown";
    const { records, onW3CLine } = this.mode;
    if (format === "json") return new JsonLinesSink(this.accumulator, id, records || onW3CLine !== undefined);
    if (onW3CLine === undefined && records) return new W3CTextSink(this.accumulator, id, this.options.fields);
    return new W3CAggregator(this.accumulator, id, this.options.fields, onW3CLine);
  }
}

/**
 * The one parse loop behind both entry points. It pulls a chunk only when the consumer asks for the next
 * batch of records, so a slow consumer slows the read instead of growing a queue.
 */
async function* parse(
  input: LogInput,
  options: ParseOptions,
  mode: ParseMode,
): AsyncGenerator<CloudFrontLogRecord[], LogSummary> {
  const accumulator = new Accumulator(options.maxMalformedDetails ?? 100, options.onMalformed);
  const detector = new FormatDetector(accumulator, options, mode);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const splitter = new LineSplitter(detector, {
    maxLineBytes,
    onOverlong: (lineNumber, bytes) =>
      accumulator.reject(
        lineNumber,
        malformed(
          "line-too-long",
          `line of ${bytes} bytes is longer than maxLineBytes (${maxLineBytes}); skipped unread`,
        ),
      ),
  });
  let bytesRead = 0;
  const summary = (): LogSummary => ({
    format: detector.format,
    records: accumulator.records,
    malformed: accumulator.malformed,
    malformedLines: accumulator.malformedLines,
    aggregate: accumulator.aggregate,
    bytesRead,
  });

  let opened: DecompressedInput;
  try {
    opened = await openInput(input);
  } catch (error) {
    throw asTruncation(error, summary());
  }
  if (opened.parquet) {
    throw new UnsupportedFormatError(
      "Parquet log output is not read by this package: deliver standard logs as W3C or JSON (see the README)",
    );
  }
  try {
    for await (const chunk of opened.chunks) {
      bytesRead += chunk.length;
      splitter.push(chunk);
      const records = detector.takeRecords();
      // With a line listener every chunk yields, so the consumer sees progress on W3C input too.
      if (records.length > 0 || mode.onW3CLine !== undefined) yield records;
    }
  } catch (error) {
    if (!isDecompressionError(error)) throw error;
    const cutLine = splitter.discardTail();
    if (cutLine !== undefined)
      accumulator.reject(cutLine, malformed("cut-off", "cut off by the end of a truncated gzip stream"));
    const records = detector.takeRecords();
    if (records.length > 0) yield records;
    throw asTruncation(error, summary());
  }
  splitter.end();
  const records = detector.takeRecords();
  if (records.length > 0) yield records;
  return summary();
}

function asTruncation(error: unknown, partial: LogSummary): unknown {
  if (!isDecompressionError(error)) return error;
  return new TruncatedLogError(
    `the gzip stream is truncated or corrupt (${error.code}) after ${partial.bytesRead} decompressed bytes; ` +
      `${partial.records} records parsed before it`,
    partial,
    { cause: error },
  );
}

/**
 * Parses a CloudFront access log (gzip or plain; legacy W3C, v2 W3C or JSON lines) into per-minute
 * aggregates. Memory stays flat: only the aggregates and one partial line are kept.
 *
 * @throws {TruncatedLogError} when the gzip stream ends early or is corrupt; `partial` holds what was parsed.
 * @throws {UnsupportedFormatError} for Parquet input.
 */
export async function summarizeLog(input: LogInput, options: ParseOptions = {}): Promise<LogSummary> {
  const parser = parse(input, options, { records: false });
  for (let step = await parser.next(); ; step = await parser.next()) {
    if (step.done === true) return step.value;
  }
}

/**
 * Yields every valid line as a {@link CloudFrontLogRecord}, in order. Malformed lines are skipped and
 * reported through `options.onMalformed`. Slower than {@link summarizeLog}: it builds a string per field.
 *
 * @returns the same {@link LogSummary} as `summarizeLog`, as the generator's return value.
 */
export async function* readRecords(
  input: LogInput,
  options: ParseOptions = {},
): AsyncGenerator<CloudFrontLogRecord, LogSummary> {
  const parser = parse(input, options, { records: true });
  for (let step = await parser.next(); ; step = await parser.next()) {
    if (step.done === true) return step.value;
    yield* step.value;
  }
}

/**
 * The fast path behind `cf-logs query`: valid W3C lines go to `onW3CLine` as bytes (no string or object
 * per line), JSON lines come back as records, a batch per input chunk (an empty one for W3C input).
 * The summary is the same as {@link summarizeLog}'s.
 */
export function readLogLines(
  input: LogInput,
  options: ParseOptions,
  onW3CLine: W3CLineListener,
): AsyncGenerator<CloudFrontLogRecord[], LogSummary> {
  return parse(input, options, { records: true, onW3CLine });
}
