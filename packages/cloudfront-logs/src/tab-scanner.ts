import { TAB_SCAN_WASM } from "./tab-scan-wasm.js";

const PAGE_BYTES = 65_536;
/**
 * Chunks up to this size are copied into the module's memory once, then scanned line by line in place;
 * a larger buffer (plain input handed over in one piece) is copied one line at a time instead, so the
 * module's memory stays small whatever the input.
 */
const WHOLE_COPY_MAX_BYTES = 8 * 1024 * 1024;

/** The parts of the WebAssembly API used here: the project's TypeScript libs do not declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(start: number, end: number, limit: number, delta: number): number;
}

let compiled: object | undefined;

/**
 * Finds the tabs of a line with WebAssembly SIMD, 16 bytes per step: about 3x faster than the 4-byte
 * JavaScript SWAR loop it replaced, which was the largest cost of `summarize` after inflate.
 */
export class TabScanner {
  private readonly exports: ScanExports;
  /** Byte offset of the copied input in the module's memory; the starts come before it. */
  private readonly dataOffset: number;
  private memoryBytes: Uint8Array;
  private startsView: Int32Array;
  private buffer: Buffer | undefined;
  private wholeCopied = false;

  /** `maxFields` bounds the field count a scan reports exactly (more gives `maxFields + 1`). */
  constructor(private readonly maxFields: number) {
    compiled ??= new wasm.Module(TAB_SCAN_WASM);
    this.exports = new wasm.Instance(compiled).exports as ScanExports;
    // The module checks the limit after each 16 bytes, so it may write up to 16 starts past it.
    this.dataOffset = Math.ceil(((maxFields + 18) * 4) / 16) * 16;
    this.memoryBytes = new Uint8Array(this.exports.memory.buffer);
    this.startsView = new Int32Array(this.exports.memory.buffer, 0, maxFields + 18);
  }

  /**
   * The field starts of the last scan: `starts[k]` is the first byte of field k in the scanned buffer,
   * `starts[count] - 1` one past the end of the last field. Valid until the next scan.
   */
  get starts(): Int32Array {
    return this.startsView;
  }

  /**
   * Scans `buf[start, end)` and returns its field count, or `maxFields + 1` when there are more.
   * A buffer's bytes must not change while it is the one being scanned (the parser's chunks never do).
   */
  scan(buf: Buffer, start: number, end: number): number {
    const offset = this.dataOffset;
    if (buf !== this.buffer) this.take(buf);
    if (this.wholeCopied) return this.exports.scan(start + offset, end + offset, this.maxFields, -offset);
    this.reserve(end - start);
    this.memoryBytes.set(buf.subarray(start, end), offset);
    return this.exports.scan(offset, offset + end - start, this.maxFields, start - offset);
  }

  private take(buf: Buffer): void {
    this.buffer = buf;
    this.wholeCopied = buf.length <= WHOLE_COPY_MAX_BYTES;
    if (!this.wholeCopied) return;
    this.reserve(buf.length);
    this.memoryBytes.set(buf, this.dataOffset);
  }

  /** Grows the module's memory to hold `bytes` of input; growing replaces its ArrayBuffer, so the views too. */
  private reserve(bytes: number): void {
    const memory = this.exports.memory;
    const needed = this.dataOffset + bytes + 16;
    if (memory.buffer.byteLength >= needed) return;
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    this.memoryBytes = new Uint8Array(memory.buffer);
    this.startsView = new Int32Array(memory.buffer, 0, this.maxFields + 18);
  }
}
