import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// The built CLI, as `pnpm -s cf-logs` runs it (turbo builds this package before its tests).
const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const fixtures = join(import.meta.dirname, "fixtures");
const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;
const run = promisify(execFile);

async function cfLogs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("cf-logs summarize", () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`prints the contract's JSON for ${name}`, async () => {
      const { code, stdout } = await cfLogs("summarize", "--json", join(fixtures, name));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(want);
    });
  }

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

  it("explains its usage", async () => {
    const { code, stderr } = await cfLogs("explode");
    expect(code).toBe(1);
    expect(stderr).toBe(
      "cf-logs: usage: cf-logs summarize [--json] [--distribution-id ID] [--max-line-bytes N] FILE...\n",
    );
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
      stderr: `cf-logs: ${junk}: no line parsed; all 2 data lines are malformed (line 3: invalid-value: impossible date "not")\n`,
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
  });
});
