import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cfLogs } from "./run-cli.js";

const fixtures = join(import.meta.dirname, "fixtures");
const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;

describe("cf-logs summarize", () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`prints the contract's JSON for ${name}`, async () => {
      const { code, stdout } = await cfLogs("summarize", "--json", join(fixtures, name));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(want);
    });
  }

  it("prints the per-minute table with its header over its columns", async () => {
    const { code, stdout } = await cfLogs(
      "summarize",
      join(fixtures, "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz"),
    );
    expect(code).toBe(0);
    const table = stdout.trimEnd().split("\n\n")[1]?.split("\n");
    expect(table).toEqual(["minute             requests", "2019-12-04T21:02Z  2", "2019-12-04T21:03Z  3"]);
  });

  it("adds several files into one object", async () => {
    const names = Object.keys(expected);
    const { stdout } = await cfLogs("summarize", "--json", ...names.map((n) => join(fixtures, n)));
    const total = JSON.parse(stdout);
    const sum = (key: string) => Object.values(expected).reduce((n, e) => n + (e[key] as number), 0);
    expect(total).toMatchObject({
      files: 4,
      records: sum("records"),
      malformed: sum("malformed"),
      bytesSent: sum("bytesSent"),
    });
    expect(Object.keys(total.perMinute)).toEqual([...Object.keys(total.perMinute)].sort());
  });

  it("prints a readable table without --json", async () => {
    const { code, stdout } = await cfLogs(
      "summarize",
      join(fixtures, "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz"),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^records\s+5$/m);
    expect(stdout).toMatch(/^requests 5xx\s+1$/m);
    expect(stdout).toMatch(/^2019-12-04T21:03Z\s+3$/m);
  });

  it("gives a one-line error and exit 1 for a missing file", async () => {
    const { code, stderr, stdout } = await cfLogs("summarize", "--json", "/no/such/file.gz");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe("cf-logs: /no/such/file.gz: no such file\n");
  });

  it("gives a one-line error and exit 1 for a directory and for a truncated gzip file", async () => {
    expect(await cfLogs("summarize", fixtures)).toMatchObject({
      code: 1,
      stderr: `cf-logs: ${fixtures}: not a regular file\n`,
    });
    const dir = mkdtempSync(join(tmpdir(), "cf-logs-"));
    const whole = readFileSync(join(fixtures, "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz"));
    const cut = join(dir, "cut.gz");
    writeFileSync(cut, whole.subarray(0, 200));
    const result = await cfLogs("summarize", "--json", cut);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cf-logs: .*cut\.gz: the gzip stream is truncated or corrupt/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 with a one-line error naming the file when no line of it parsed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cf-logs-"));
    const junk = join(dir, "E1JUNK.2026-11-25-10.junk.log");
    writeFileSync(
      junk,
      "#Version: 1.0\n#Fields: date time sc-status\nnot\ta\tdate\n2026-11-25\t10:00:00\t2000\n",
    );
    const result = await cfLogs("summarize", "--json", join(fixtures, "v2-w3c-subset.log"), junk);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `cf-logs: ${junk}: no line parsed; all 2 data lines are malformed (line 3: invalid-date: impossible date "not")\n`,
    });
    const empty = join(dir, "empty.log");
    writeFileSync(empty, "#Version: 1.0\n");
    expect(await cfLogs("summarize", empty)).toEqual({
      code: 2,
      stdout: "",
      stderr: `cf-logs: ${empty}: no line parsed; the file holds no data lines\n`,
    });
  });

  it("takes the line length cap as --max-line-bytes", async () => {
    const file = join(fixtures, "v2-w3c-subset.log");
    expect(JSON.parse((await cfLogs("summarize", "--json", file)).stdout)).toMatchObject({ records: 3 });
    // A cap below every data line's length: nothing parses, so exit 2 names the reason.
    const capped = await cfLogs("summarize", "--json", "--max-line-bytes", "20", file);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toMatch(/no line parsed; .* \(line \d+: line-too-long: line of \d+ bytes/);
    expect(await cfLogs("summarize", "--max-line-bytes", "0", file)).toMatchObject({
      code: 1,
      stderr: "cf-logs: --max-line-bytes 0: expected a whole number of 1 or more\n",
    });
    // parseArgs reads "-5" as an option of its own; it is still this option's (bad) value.
    expect(await cfLogs("summarize", "--max-line-bytes", "-5", file)).toEqual({
      code: 1,
      stdout: "",
      stderr: "cf-logs: --max-line-bytes -5: expected a whole number of 1 or more\n",
    });
  });
});

describe("cf-logs usage", () => {
  const SUMMARIZE = "usage: cf-logs summarize [--json] [--distribution-id ID] [--max-line-bytes N] FILE...\n";
  const QUERY =
    "usage: cf-logs query --sql FILE_OR_TEXT [--json | --csv] [--param NAME=VALUE]... " +
    "[--distribution-id ID] [--max-line-bytes N] [--memory-limit SIZE] FILE...\n";
  const BOTH = `${SUMMARIZE}       ${QUERY.slice("usage: ".length)}`;

  const errors: Array<[string, string[], string]> = [
    [
      "an unknown command",
      ["frobnicate"],
      `cf-logs: unknown command frobnicate: expected summarize or query\n${BOTH}`,
    ],
    ["no command", [], `cf-logs: no command: expected summarize or query\n${BOTH}`],
    [
      "summarize: no FILE",
      ["summarize", "--json"],
      `cf-logs: summarize needs at least one FILE\n${SUMMARIZE}`,
    ],
    [
      "summarize: an unknown option",
      ["summarize", "--bogus", "x.log"],
      `cf-logs: unknown option --bogus\n${SUMMARIZE}`,
    ],
    [
      "summarize: an option without its value",
      ["summarize", "x.log", "--distribution-id"],
      `cf-logs: --distribution-id needs a value\n${SUMMARIZE}`,
    ],
    [
      "summarize: a value for a flag",
      ["summarize", "--json=yes", "x.log"],
      `cf-logs: --json takes no value\n${SUMMARIZE}`,
    ],
    [
      "query after an option",
      ["--json", "query", "x.log"],
      `cf-logs: query must come first, before its options\n${QUERY}`,
    ],
    [
      "summarize: an option where --max-line-bytes wants its number",
      ["summarize", "--max-line-bytes", "--json", "x.log"],
      `cf-logs: --max-line-bytes needs a value, not the option --json (write --max-line-bytes=--json if that is the value)\n${SUMMARIZE}`,
    ],
    [
      "query: an unknown option",
      ["query", "--bogus", "--sql", "SELECT 1", "x.log"],
      `cf-logs: unknown option --bogus\n${QUERY}`,
    ],
  ];
  for (const [what, args, stderr] of errors) {
    it(`${what}: exit 1, one line, then the usage`, async () => {
      expect(await cfLogs(...args)).toEqual({ code: 1, stdout: "", stderr });
    });
  }

  const helps: Array<[string[], string]> = [
    [["--help"], BOTH],
    [["-h"], BOTH],
    [["summarize", "--help"], SUMMARIZE],
    [["summarize", "-h"], SUMMARIZE],
    [["query", "--help"], QUERY],
    [["query", "-h"], QUERY],
  ];
  for (const [args, stdout] of helps) {
    it(`cf-logs ${args.join(" ")} prints the usage on stdout, exit 0`, async () => {
      expect(await cfLogs(...args)).toEqual({ code: 0, stdout, stderr: "" });
    });
  }
});
