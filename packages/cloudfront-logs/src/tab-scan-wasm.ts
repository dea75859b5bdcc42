/**
 * The tab scan as a WebAssembly module with 128-bit SIMD: 16 bytes compared per step, where JavaScript
 * can test at most 4 (SWAR). The module is small enough to write out instruction by instruction here,
 * so the package has no build step and no binary file. Its text form, for reading:
 *
 *   (func (export "scan") (param $start $end $limit $delta i32) (result i32)
 *     ;; starts[0] = start + delta; then for each tab at i: starts[count++] = i + 1 + delta
 *     ;; 16 bytes at a time: bitmask(i8x16.eq(v128.load i, splat 9)), one store per set bit (ctz);
 *     ;; the last < 16 bytes one by one; returns the field count, or limit + 1 when there are more
 *     ;; (checked after every 16 bytes, so starts needs room for limit + 17 entries).
 *
 * Memory: starts (int32) from byte 0; the caller copies the bytes to scan anywhere above them.
 * `test/tab-scanner.test.ts` checks it against a byte-by-byte scan on random lines.
 */

const I32 = 0x7f;
const V128 = 0x7b;
const VOID = 0x40;

// Locals: the four parameters, then i, count, m (i32) and tabs (v128).
const START = 0;
const END = 1;
const LIMIT = 2;
const DELTA = 3;
const I = 4;
const COUNT = 5;
const M = 6;
const TABS = 7;

const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32 = (value: number) => [0x41, ...signedLeb(value)];
const add = [0x6a];
const store32 = [0x36, 0x02, 0x00];
const block = [0x02, VOID];
const loop = [0x03, VOID];
const ifThen = [0x04, VOID];
const end = [0x0b];
const brIf = (depth: number) => [0x0d, depth];
const br = (depth: number) => [0x0c, depth];
/** starts[count] = value (the value's instructions follow), as a byte address count * 4. */
const storeAtCount = (...value: number[][]) => [...get(COUNT), ...i32(2), 0x74, ...value.flat(), ...store32];
const incrementCount = [...get(COUNT), ...i32(1), ...add, ...set(COUNT)];
const returnIfOverLimit = [
  ...get(COUNT),
  ...get(LIMIT),
  0x4b, // i32.gt_u
  ...ifThen,
  ...get(LIMIT),
  ...i32(1),
  ...add,
  0x0f, // return
  ...end,
];

const body = [
  ...[...i32(9), 0xfd, 0x0f, ...set(TABS)], // tabs = i8x16.splat(9)
  ...[...i32(0), ...get(START), ...get(DELTA), ...add, ...store32], // starts[0] = start + delta
  ...[...i32(1), ...set(COUNT)],
  ...[...get(START), ...set(I)],
  // 16 bytes at a time while i + 16 <= end
  ...block,
  ...loop,
  ...[...get(I), ...i32(16), ...add, ...get(END), 0x4b, ...brIf(1)],
  ...[...get(I), 0xfd, 0x00, 0x00, 0x00, ...get(TABS), 0xfd, 0x23, 0xfd, 0x64, ...set(M)], // m = bitmask(eq)
  ...block,
  ...loop,
  ...[...get(M), 0x45, ...brIf(1)], // while m != 0
  ...storeAtCount(get(I), get(M), [0x68], add, get(DELTA), i32(1), add, add), // i + ctz(m) + delta + 1
  ...incrementCount,
  ...[...get(M), ...get(M), ...i32(1), 0x6b, 0x71, ...set(M)], // m &= m - 1
  ...br(0),
  ...end,
  ...end,
  ...returnIfOverLimit,
  ...[...get(I), ...i32(16), ...add, ...set(I)],
  ...br(0),
  ...end,
  ...end,
  // the rest byte by byte
  ...block,
  ...loop,
  ...[...get(I), ...get(END), 0x4f, ...brIf(1)], // i >= end
  ...[...get(I), 0x2d, 0x00, 0x00, ...i32(9), 0x46, ...ifThen], // load8_u(i) == 9
  ...storeAtCount(get(I), get(DELTA), i32(1), add, add),
  ...incrementCount,
  ...end,
  ...[...get(I), ...i32(1), ...add, ...set(I)],
  ...br(0),
  ...end,
  ...end,
  ...returnIfOverLimit,
  ...storeAtCount(get(END), get(DELTA), i32(1), add, add), // starts[count] = end + 1 + delta
  ...get(COUNT),
  ...end,
];

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

const section = (id: number, content: number[]) => [id, ...unsignedLeb(content.length), ...content];
const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
const code = [0x02, 0x03, I32, 0x01, V128, ...body]; // locals: 3 x i32, 1 x v128

/** The module's bytes: one memory (exported as `memory`) and one function (exported as `scan`). */
export const TAB_SCAN_WASM = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x04, I32, I32, I32, I32, 0x01, I32]),
  ...section(3, [0x01, 0x00]),
  ...section(5, [0x01, 0x00, 0x01]),
  ...section(7, [0x02, ...name("memory"), 0x02, 0x00, ...name("scan"), 0x00, 0x00]),
  ...section(10, [0x01, ...unsignedLeb(code.length), ...code]),
]);
