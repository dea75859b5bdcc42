const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Receives the lines of a byte stream as ranges of the chunk they live in, so nothing is copied. */
export interface LineSink {
  /** `end` excludes the line terminator (LF or CRLF). `lineNumber` counts from 1, blank lines included. */
  line(buf: Buffer, start: number, end: number, lineNumber: number): void;
}

/**
 * Splits chunks into lines without decoding them. A line split across chunks is joined once into a
 * small buffer; every other line is handed over as a range of the chunk it arrived in.
 */
export class LineSplitter {
  private carry: Buffer | undefined;
  private lineNumber = 0;

  constructor(private readonly sink: LineSink) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carry !== undefined) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, newline)]);
      this.carry = undefined;
      this.emit(joined, 0, joined.length);
      start = newline + 1;
    }
    const length = chunk.length;
    while (start < length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        // Copy the tail so the (possibly large) chunk can be collected.
        this.carry = Buffer.from(chunk.subarray(start));
        return;
      }
      this.emit(chunk, start, newline);
      start = newline + 1;
    }
  }

  /** Flushes a final line that had no terminator. Returns its length in bytes (0 when there was none). */
  end(): number {
    const carry = this.carry;
    this.carry = undefined;
    if (carry === undefined || carry.length === 0) return 0;
    this.emit(carry, 0, carry.length);
    return carry.length;
  }

  /**
   * Drops a final line that had no terminator, for input that ended abnormally: the line was cut off and
   * cannot be trusted. Returns its line number, or undefined when there was none.
   */
  discardTail(): number | undefined {
    const carry = this.carry;
    this.carry = undefined;
    if (carry === undefined || carry.length === 0) return undefined;
    this.lineNumber++;
    return this.lineNumber;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    const last = end > start && buf[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    this.sink.line(buf, start, last, this.lineNumber);
  }
}
