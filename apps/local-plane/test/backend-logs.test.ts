import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendLogLines, logLinesOfTrace, parseLogLines } from "../src/backend-logs.js";

const traced = {
  level: "info",
  msg: "request",
  trace_id: "6b0f9d8362d28e02479aea1a0366e24c",
  xray_trace_id: "1-6b0f9d83-62d28e02479aea1a0366e24c",
};

describe("the backend's captured log lines", () => {
  it("keeps whole JSON lines and skips the rest", () => {
    const text = `ield":1}\n${JSON.stringify(traced)}\nbackend: a warning on stderr\n{"level":"info","msg":"listen`;
    expect(parseLogLines(text)).toEqual([traced]);
    expect(
      backendLogLines({ backend: { output: () => `${JSON.stringify(traced)}\n`, outputFile: undefined } }),
    ).toEqual([traced]);
  });

  it("reads every line from the output file when the backend has one, not the 20 kB window", () => {
    const file = join(mkdtempSync(join(tmpdir(), "backend-logs-")), "backend.log");
    const first = { ...traced, msg: "the first line, long gone from the window" };
    writeFileSync(file, `${JSON.stringify(first)}\n${JSON.stringify(traced)}\n`);
    const window = `${JSON.stringify(traced)}\n`;
    expect(backendLogLines({ backend: { output: () => window, outputFile: file } })).toEqual([first, traced]);
  });

  it("finds a trace's lines by its X-Ray or W3C id, and no other", () => {
    const other = {
      ...traced,
      trace_id: "6b0f9d83aaaaaaaaaaaaaaaaaaaaaaaa",
      xray_trace_id: "1-6b0f9d83-aaaaaaaaaaaaaaaaaaaaaaaa",
    };
    const lines = [traced, other, { level: "info", msg: "listening" }];
    expect(logLinesOfTrace(lines, "1-6b0f9d83-62d28e02479aea1a0366e24c")).toEqual([traced]);
    expect(logLinesOfTrace(lines, "6b0f9d8362d28e02479aea1a0366e24c")).toEqual([traced]);
    expect(logLinesOfTrace(lines, "1-6b0f9d83-bbbbbbbbbbbbbbbbbbbbbbbb")).toEqual([]);
  });
});
