import { describe, expect, it } from "vitest";
import { ValueDistribution } from "../src/index.js";

describe("ValueDistribution", () => {
  it("keeps sub-millisecond, millisecond and long values exactly, in order", () => {
    const d = new ValueDistribution();
    for (const v of [0.082, 0.0005, 12.5, 0.082, 0, 2.047, 2.048, 0.000001]) d.add(v);
    expect(d.toJSON()).toEqual({
      count: 8,
      sum: 16.759501,
      min: 0,
      max: 12.5,
      values: [0, 0.000001, 0.0005, 0.082, 2.047, 2.048, 12.5],
      counts: [1, 1, 1, 2, 1, 1, 1],
    });
    expect(d.distinctValues).toBe(7);
  });

  it("merges exactly and never overflows a count", () => {
    const a = new ValueDistribution();
    const b = new ValueDistribution();
    a.add(0.1, 0xffffffff);
    b.add(0.1, 5);
    b.add(3, 2);
    a.merge(b);
    expect(a.entries()).toEqual([
      [0.1, 0xffffffff + 5],
      [3, 2],
    ]);
    expect(a.count).toBe(0xffffffff + 7);
  });

  it("reports an empty distribution with null extremes", () => {
    expect(new ValueDistribution().toJSON()).toEqual({
      count: 0,
      sum: 0,
      min: null,
      max: null,
      values: [],
      counts: [],
    });
  });
});
