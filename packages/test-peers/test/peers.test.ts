import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/index.js";

describe("test peers", () => {
  it("finds the repository's peer installer from its own location", () => {
    expect(existsSync(`${repoRoot}scripts/peers/python-peers.sh`)).toBe(true);
    expect(existsSync(`${repoRoot}scripts/peers/moto.requirements.txt`)).toBe(true);
  });
});
