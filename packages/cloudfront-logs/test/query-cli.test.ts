import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUERY_USAGE } from "../src/cli-args.js";
import { LOG_ROW_COLUMNS } from "../src/query/rows.js";
import { cfLogs } from "./run-cli.js";

const fixtures = join(import.meta.dirname, "fixtures");
const queries = join(import.meta.dirname, "..", "queries");
const files = [
  ...Object.keys(JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as object).map((n) =>
    join(fixtures, n),
  ),
  join(fixtures, "query", "E5QUERYONE.v2-country.jsonl"),
];

const TOTALS_SQL =
  "SELECT count(*) AS requests, count_if(sc_status BETWEEN 500 AND 599) AS requests_5xx, " +
  "sum(sc_bytes) AS bytes_sent FROM cloudfront_logs";

describe("cf-logs query", () => {
  it("agrees with cf-logs summarize on the same files (requests, 5xx, bytes)", async () => {
    const query = await cfLogs("query", "--json", "--sql", TOTALS_SQL, ...files);
    const summary = await cfLogs("summarize", "--json", ...files);
    expect(query).toMatchObject({ code: 0, stderr: "" });
    const totals = JSON.parse(summary.stdout) as {
      records: number;
      requests: { "5xx": number };
      bytesSent: number;
    };
    expect(JSON.parse(query.stdout)).toEqual({
      requests: totals.records,
      requests_5xx: totals.requests["5xx"],
      bytes_sent: totals.bytesSent,
    });
  });

  it("runs a named query file with its parameters and prints an aligned table", async () => {
    const { code, stdout, stderr } = await cfLogs(
      "query",
      "--sql",
      join(queries, "requests-by-country.sql"),
      "--param",
      "from=2024-11-14T04:00:00Z",
      "--param",
      "to=2024-11-14T05:00:00Z",
      join(fixtures, "query", "E5QUERYONE.v2-country.jsonl"),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^c_country\s+requests\s+requests_5xx\s+bytes_sent$/);
    expect(lines[1]).toMatch(/^-+(\s+-+){3}$/);
    expect(lines.at(-1)).toMatch(/^\(\d+ rows?\)$/);
  });

  // Queries that read every column without naming one: each must see all 44, not a narrowed table.
  it.each([
    ["FROM cloudfront_logs LIMIT 2", (rows: Array<Record<string, unknown>>) => Object.keys(rows[0] ?? {})],
    ["SUMMARIZE cloudfront_logs", (rows: Array<Record<string, unknown>>) => rows.map((r) => r.column_name)],
    [
      "SELECT t FROM cloudfront_logs t LIMIT 1",
      // A struct is printed in DuckDB's text form: {'date': NULL, 'time': NULL, ...}.
      (rows: Array<Record<string, unknown>>) => String(rows[0]?.t).match(/'[a-z0-9_]+': /g) ?? [],
    ],
    [
      "SELECT DISTINCT ON (c_ip) * FROM cloudfront_logs",
      (rows: Array<Record<string, unknown>>) => Object.keys(rows[0] ?? {}),
    ],
  ])("loads every column for %s", async (sql, columnsOf) => {
    const { code, stdout, stderr } = await cfLogs("query", "--json", "--sql", sql, files[0] as string);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const rows = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(columnsOf(rows)).toHaveLength(LOG_ROW_COLUMNS.length);
  });

  it("writes CSV with a header row", async () => {
    const { code, stdout } = await cfLogs("query", "--csv", "--sql", TOTALS_SQL, files[0] as string);
    expect(code).toBe(0);
    expect(stdout.split("\r\n")[0]).toBe("requests,requests_5xx,bytes_sent");
  });

  const failures: Array<[string, string[], RegExp, number]> = [
    ["a missing file", ["--sql", "SELECT 1", "nope.gz"], /^cf-logs: nope\.gz: no such file\n$/, 1],
    [
      "an SQL error",
      ["--sql", "SELECT nope FROM cloudfront_logs", files[0] as string],
      /^cf-logs: SQL: .*nope.*\n$/,
      1,
    ],
    [
      "two formats",
      ["--json", "--csv", "--sql", "SELECT 1", files[0] as string],
      /^cf-logs: --json and --csv.*\n$/,
      1,
    ],
    [
      "a bad parameter",
      ["--sql", join(queries, "top-clients.sql"), "--param", "from=monday", files[0] as string],
      /^cf-logs: parameter from="monday": expected an ISO-8601 UTC time.*\n$/,
      1,
    ],
    [
      "a missing query file",
      ["--sql", "top.sql", files[0] as string],
      /^cf-logs: --sql top\.sql: no such file\n$/,
      1,
    ],
  ];
  for (const [what, args, message, exitCode] of failures) {
    it(`fails on ${what} with one line, exit ${exitCode} and nothing on stdout`, async () => {
      const result = await cfLogs("query", ...args);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(exitCode);
    });
  }

  // A usage error: one line naming what was wrong, then the usage of query.
  const usageErrors: Array<[string, string[], string]> = [
    ["an unknown flag", ["--colour", "--sql", "SELECT 1", files[0] as string], "unknown option --colour"],
    ["no --sql", [files[0] as string], "query needs --sql FILE_OR_TEXT"],
    ["--sql without its value", [files[0] as string, "--sql"], "--sql needs a value"],
    ["no FILE", ["--sql", "SELECT 1"], "query needs at least one FILE"],
  ];
  for (const [what, args, line] of usageErrors) {
    it(`fails on ${what} with one line, then the usage, exit 1`, async () => {
      const result = await cfLogs("query", ...args);
      expect(result).toEqual({ code: 1, stdout: "", stderr: `cf-logs: ${line}\n${QUERY_USAGE}\n` });
    });
  }

  it("refuses a negative --max-line-bytes as that option's value", async () => {
    expect(await cfLogs("query", "--max-line-bytes", "-3", "--sql", "SELECT 1", files[0] as string)).toEqual({
      code: 1,
      stdout: "",
      stderr: "cf-logs: --max-line-bytes -3: expected a whole number of 1 or more\n",
    });
  });

  it("exits 2 for a file of which no line parses, as summarize does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cf-logs-test-"));
    try {
      const notes = join(dir, "notes.txt");
      writeFileSync(notes, "GET /index.html 200\n");
      const result = await cfLogs("query", "--sql", TOTALS_SQL, files[0] as string, notes);
      expect(result).toMatchObject({ code: 2, stdout: "" });
      expect(result.stderr).toMatch(/notes\.txt: no line parsed; all 1 data lines are malformed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
