import { join } from "node:path";
import { runNode } from "@trackgraph/test-peers";
import { describe, expect, it } from "vitest";
import { parseInfraDiffArgs, USAGE, UsageError } from "../src/review/cli-args.js";

// The built CLI, as `pnpm infra:diff` runs it (after building this workspace).
const cli = join(import.meta.dirname, "../dist/infra-diff.js");

const infraDiff = (...args: string[]) => runNode(cli, args);

describe("infra:diff's command line", () => {
  const cases: Array<[string, string[], string]> = [
    ["an unknown option", ["--base", "HEAD", "--bogus"], "unknown option --bogus"],
    ["--base without a value", ["--base"], "--base needs a value"],
    [
      "--base followed by an option",
      ["--base", "--expect-none"],
      "--base needs a value, not the option --expect-none (write --base=--expect-none if that is the value)",
    ],
    ["no --base", [], "--base REF is required"],
    ["a ref without --base", ["main"], "unexpected argument main"],
    [
      "an unknown format",
      ["--base", "HEAD", "--format", "xml"],
      '--format must be markdown or json, not "xml"',
    ],
    ["a value for a flag", ["--base", "HEAD", "--expect-none=yes"], "--expect-none takes no value"],
  ];
  for (const [what, args, line] of cases) {
    it(`refuses ${what}: exit 2, one line, then the usage, before any synth`, async () => {
      expect(await infraDiff(...args)).toEqual({
        code: 2,
        stdout: "",
        stderr: `infra:diff: ${line}\n${USAGE}\n`,
      });
      expect(() => parseInfraDiffArgs(args)).toThrow(new UsageError(line));
    });
  }

  it("prints the usage on --help, exit 0", async () => {
    expect(await infraDiff("--help")).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: "" });
  });

  it("reads a good command line", () => {
    expect(parseInfraDiffArgs(["--base", "main", "--format", "json", "--expect-none"])).toEqual({
      base: "main",
      head: undefined,
      format: "json",
      out: undefined,
      jsonOut: undefined,
      expectNone: true,
    });
  });
});
