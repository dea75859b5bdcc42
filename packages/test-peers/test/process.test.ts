import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startPeer } from "../src/index.js";

const LINES = 3_000;
const LINE = "x".repeat(39);

describe("startPeer's output file", () => {
  it("holds everything the peer wrote, while output() keeps the last 20 kB", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "test-peers-output-")), "peer.log");
    const peer = await startPeer({
      name: "chatty",
      command: process.execPath,
      args: ["-e", `for (let i = 0; i < ${LINES}; i++) console.log("${LINE}"); setInterval(() => {}, 1000);`],
      env: { PATH: process.env.PATH ?? "" },
      outputFile: file,
      ready: async () => existsSync(file) && statSync(file).size >= LINES * 40,
    });
    try {
      expect(peer.outputFile).toBe(file);
      expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(LINES);
      expect(peer.output().length).toBeLessThanOrEqual(20_000);
    } finally {
      await peer.stop();
    }
  });
});
