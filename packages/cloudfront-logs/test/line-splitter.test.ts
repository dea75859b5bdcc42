import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_LINE_BYTES, summarizeLog, TruncatedLogError } from "../src/index.js";
import { LineSplitter } from "../src/line-splitter.js";
import { chunked, gz, HEADER_33, legacyLine } from "./helpers.js";

/** Every line and every overlong line a splitter reports, as [lineNumber, text] and [lineNumber, bytes]. */
function split(chunks: Buffer[], maxLineBytes: number) {
  const lines: Array<[number, string]> = [];
  const overlong: Array<[number, number]> = [];
  const splitter = new LineSplitter(
    { line: (buf, start, end, n) => lines.push([n, buf.toString("latin1", start, end)]) },
    { maxLineBytes, onOverlong: (n, bytes) => overlong.push([n, bytes]) },
  );
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, overlong };
}

describe("line length cap", () => {
  it("reads a line of exactly maxLineBytes and reports a longer one by line number and length", () => {
    const text = `${"a".repeat(10)}\n${"b".repeat(11)}\nc\n${"d".repeat(25)}`;
    for (const sizes of [[text.length], [1], [3, 7], [11, 2]]) {
      expect(split(chunked(Buffer.from(text), sizes), 10)).toEqual({
        lines: [
          [1, "a".repeat(10)],
          [3, "c"],
        ],
        overlong: [
          [2, 11],
          [4, 25],
        ],
      });
    }
  });

  it("makes an overlong line malformed with the code line-too-long and reads on after it", async () => {
    const long = legacyLine({ "cs-uri-query": "q".repeat(DEFAULT_MAX_LINE_BYTES) });
    const text = `${HEADER_33}${legacyLine()}\n${long}\n${legacyLine()}\n`;
    for (const sizes of [[text.length], [4096], [1000, 65_000]]) {
      const summary = await summarizeLog(chunked(Buffer.from(text), sizes));
      expect(summary.records).toBe(2);
      expect(summary.malformed).toBe(1);
      expect(summary.malformedLines.map((m) => [m.lineNumber, m.code])).toEqual([[4, "line-too-long"]]);
      // The reason names the line's length, so an operator can see by how much it missed.
      expect(summary.malformedLines[0]?.reason).toContain(String(Buffer.byteLength(long)));
    }
    // The cap is an option: raised, the same line is an ordinary record.
    expect((await summarizeLog([Buffer.from(text)], { maxLineBytes: 1 << 20 })).records).toBe(3);
  });

  it("counts a line cut off by a truncated gzip stream once, also while it is being discarded", async () => {
    const text = `${HEADER_33}${legacyLine()}\n${"x".repeat(300_000)}`;
    const whole = gz(text);
    const error = await summarizeLog([whole.subarray(0, whole.length - 8)], { maxLineBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TruncatedLogError);
    const partial = (error as TruncatedLogError).partial;
    expect(partial.records).toBe(1);
    expect(partial.malformedLines.map((m) => [m.lineNumber, m.code])).toEqual([[4, "cut-off"]]);
  });

  it("keeps no more than maxLineBytes of a newline-free input, never the whole line", () => {
    // 64 MiB without a newline in 256 KiB chunks (one buffer, pushed again and again). Re-joining the
    // line for every chunk, as the splitter once did, holds all of it and copies 8 GB on the way.
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const overlong: Array<[number, number]> = [];
    const splitter = new LineSplitter({ line: () => {} }, { onOverlong: (n, b) => overlong.push([n, b]) });
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let i = 0; i < 256; i++) {
      splitter.push(chunk);
      if (i % 16 === 15) peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    splitter.push(Buffer.from("\nnext\n"));
    // What the quadratic re-join held shows in memory; a wall-clock bound would only fail on a busy machine.
    expect(peak).toBeLessThan(4 * 1024 * 1024);
    expect(overlong).toEqual([[1, 64 * 1024 * 1024]]);
  });

  it("rejects a cap that is not a whole number of 1 or more", async () => {
    expect(() => new LineSplitter({ line: () => {} }, { maxLineBytes: 0 })).toThrow(RangeError);
    await expect(summarizeLog([Buffer.from("x\n")], { maxLineBytes: 1.5 })).rejects.toThrow(RangeError);
  });

  it("property: lines past the cap are malformed by line number, whatever the chunking; the rest read as without a cap", async () => {
    const lines = fc.array(
      fc.oneof(
        fc.constant(legacyLine()),
        fc.nat({ max: 700 }).map((n) => legacyLine({ "cs-uri-query": "q".repeat(n) })),
        fc.constant(""),
      ),
      { maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(
        lines,
        fc.integer({ min: 1, max: 1200 }),
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 6 }),
        async (body, max, sizes) => {
          const text = `${HEADER_33}${body.join("\n")}\n`;
          const headerLines = HEADER_33.split("\n").length - 1;
          const expectedOverlong = body
            .map((l, i) => [i + 1 + headerLines, Buffer.byteLength(l)] as const)
            .filter(([, bytes]) => bytes > max)
            .map(([n]) => n);
          const capped = await summarizeLog(chunked(Buffer.from(text), sizes), { maxLineBytes: max });
          const overlong = capped.malformedLines.filter((m) => m.code === "line-too-long");
          // The header lines themselves may be over a small cap: then nothing after them has fields.
          expect(overlong.map((m) => m.lineNumber).filter((n) => n > headerLines)).toEqual(expectedOverlong);
          if (HEADER_33.split("\n").every((h) => Buffer.byteLength(h) <= max)) {
            const kept = body.filter((l) => Buffer.byteLength(l) <= max);
            const uncapped = await summarizeLog([Buffer.from(`${HEADER_33}${kept.join("\n")}\n`)]);
            expect(capped.records).toBe(uncapped.records);
            expect(capped.malformed).toBe(uncapped.malformed + expectedOverlong.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
