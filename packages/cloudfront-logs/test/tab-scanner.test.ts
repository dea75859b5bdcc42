import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TabScanner } from "../src/tab-scanner.js";

/** The obvious byte-by-byte scan the SIMD module must agree with. */
function referenceStarts(buf: Buffer, start: number, end: number): number[] {
  const starts = [start];
  for (let i = start; i < end; i++) if (buf[i] === 0x09) starts.push(i + 1);
  starts.push(end + 1);
  return starts;
}

function scanned(scanner: TabScanner, buf: Buffer, start: number, end: number): number[] | number {
  const count = scanner.scan(buf, start, end);
  return Array.from(scanner.starts.subarray(0, count + 1));
}

describe("TabScanner (WebAssembly SIMD)", () => {
  it("finds every tab of random lines of up to 200 bytes at any offset, as a byte-by-byte scan does", () => {
    const scanner = new TabScanner(512);
    const line = fc.array(fc.constantFrom(0x09, 0x41, 0x2d, 0x00, 0xff, 0x89), {
      maxLength: 200,
      size: "max",
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const buf = Buffer.concat(lines.map((bytes) => Buffer.from([...bytes, 0x0a])));
        let start = 0;
        for (const bytes of lines) {
          const end = start + bytes.length;
          expect(scanned(scanner, buf, start, end)).toEqual(referenceStarts(buf, start, end));
          start = end + 1;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reports limit + 1 for a line with more fields than the limit", () => {
    const scanner = new TabScanner(4);
    const buf = Buffer.from("a\tb\tc\td\te\tf\tg\th\ti\tj\tk\tl\tm\tn\to\tp\tq\tr\ts\tt\tu");
    expect(scanner.scan(buf, 0, buf.length)).toBe(5);
    expect(scanner.scan(buf, 0, 7)).toBe(4);
  });

  it("scans a buffer too large to copy whole one line at a time, with offsets into that buffer", () => {
    const scanner = new TabScanner(512);
    const big = Buffer.alloc(9 * 1024 * 1024, 0x41);
    const at = big.length - 100;
    big.write("x\ty\t\tz", at, "latin1");
    expect(scanned(scanner, big, at, at + 6)).toEqual([at, at + 2, at + 4, at + 5, at + 7]);
    // Back to a small buffer: the same scanner copies it whole again.
    const small = Buffer.from("1\t2");
    expect(scanned(scanner, small, 0, 3)).toEqual([0, 2, 4]);
  });

  it("grows its memory for a long line and still finds a tab at the very end", () => {
    const scanner = new TabScanner(512);
    // The tab lands in the 16-byte steps, a second one in the bytes after the last full step.
    const long = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 0x61), Buffer.from("\tthe end of it\tx")]);
    expect(scanned(scanner, long, 0, long.length)).toEqual([
      0,
      3 * 1024 * 1024 + 1,
      long.length - 1,
      long.length + 1,
    ]);
  });
});
