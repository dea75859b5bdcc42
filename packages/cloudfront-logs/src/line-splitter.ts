const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Receives the lines of a byte stream as ranges of the chunk they live in, so nothing is copied. */
export interface LineSink {
  /** `end` excludes the line terminator (LF or CRLF). `lineNumber` counts from 1, blank lines included. */
  line(buf: Buffer, start: number, end: number, lineNumber: number): void;
}

/**
 * The longest line CloudFront can write, with margin: a request, headers included, is at most 20,480
 * bytes, and URL encoding at most triples a byte, so the logged fields stay under 62 KB.
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export interface LineSplitterOptions {
  /** Lines longer than this (terminator excluded) are not handed to the sink. */
  maxLineBytes?: number;
  /** Called instead of the sink for a line longer than `maxLineBytes`, with its full length. */
  onOverlong?: (lineNumber: number, bytes: number) => void;
}

/**
 * Splits chunks into lines without decoding them. A line split across chunks is kept as its pieces and
 * joined once, at its end; every other line is handed over as a range of the chunk it arrived in.
 *
 * Memory is bounded by `maxLineBytes`: once a line passes it, its bytes are dropped as they arrive and
 * only counted until the next newline, so a newline-free input of any size is read in constant memory.
 */
export class LineSplitter {
  /** Pieces of the line in progress (copies, so the chunks they came from can be collected). */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Bytes of the line in progress while it is being discarded as too long; -1 when not discarding. */
  private discarded = -1;
  private lineNumber = 0;
  private readonly maxLineBytes: number;
  private readonly onOverlong: (lineNumber: number, bytes: number) => void;

  constructor(
    private readonly sink: LineSink,
    options: LineSplitterOptions = {},
  ) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxLineBytes ${max} must be a whole number of 1 or more`);
    this.maxLineBytes = max;
    this.onOverlong = options.onOverlong ?? (() => {});
  }

  push(chunk: Buffer): void {
    let start = 0;
    const length = chunk.length;
    if (this.discarded >= 0 || this.partsLength > 0) {
      const newline = chunk.indexOf(NEWLINE);
      const end = newline === -1 ? length : newline;
      this.continueLine(chunk, end);
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
    const max = this.maxLineBytes;
    while (start < length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.continueLine(chunk.subarray(start), length - start);
        return;
      }
      if (newline - start > max) this.overlong(newline - start);
      else this.emit(chunk, start, newline);
      start = newline + 1;
    }
  }

  /** Flushes a final line that had no terminator. Returns its length in bytes (0 when there was none). */
  end(): number {
    const bytes = this.discarded >= 0 ? this.discarded : this.partsLength;
    if (bytes > 0) this.finishLine();
    return bytes;
  }

  /**
   * Drops a final line that had no terminator, for input that ended abnormally: the line was cut off and
   * cannot be trusted. Returns its line number, or undefined when there was none.
   */
  discardTail(): number | undefined {
    const bytes = this.discarded >= 0 ? this.discarded : this.partsLength;
    this.reset();
    if (bytes === 0) return undefined;
    this.lineNumber++;
    return this.lineNumber;
  }

  /** Adds the first `end` bytes of `chunk` to the line in progress, or only counts them past the cap. */
  private continueLine(chunk: Buffer, end: number): void {
    if (this.discarded >= 0) {
      this.discarded += end;
      return;
    }
    if (this.partsLength + end > this.maxLineBytes) {
      // Past the cap: drop what was kept and only count from here.
      this.discarded = this.partsLength + end;
      this.parts = [];
      this.partsLength = 0;
      return;
    }
    if (end > 0) {
      this.parts.push(Buffer.from(chunk.subarray(0, end)));
      this.partsLength += end;
    }
  }

  private finishLine(): void {
    if (this.discarded >= 0) {
      const bytes = this.discarded;
      this.reset();
      this.overlong(bytes);
      return;
    }
    const parts = this.parts;
    const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.partsLength);
    this.reset();
    this.emit(joined, 0, joined.length);
  }

  private reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.discarded = -1;
  }

  private overlong(bytes: number): void {
    this.lineNumber++;
    this.onOverlong(this.lineNumber, bytes);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    const last = end > start && buf[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    this.sink.line(buf, start, last, this.lineNumber);
  }
}
