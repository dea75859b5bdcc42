import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  distributionIdFromKey,
  LEGACY_FIELDS,
  readRecords,
  summarizeLog,
  TruncatedLogError,
  toCliSummary,
  UnsupportedFormatError,
} from "../src/index.js";
import { chunked, gz, HEADER_33, legacyLine } from "./helpers.js";

const fixtures = join(import.meta.dirname, "fixtures");
const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as Record<string, unknown>;

describe("summarizeLog on the committed fixtures", () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`matches the hand-computed totals of ${name}`, async () => {
      const summary = await summarizeLog(Readable.from([readFileSync(join(fixtures, name))]), {
        distributionId: distributionIdFromKey(name) ?? "unknown",
      });
      expect(toCliSummary([summary])).toEqual(want);
    });
  }

  it("reports malformed lines with their line numbers and reasons", async () => {
    const summary = await summarizeLog([
      readFileSync(join(fixtures, "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz")),
    ]);
    expect(summary.malformedLines).toEqual([
      { lineNumber: 11, code: "invalid-value", reason: 'impossible date "2019-02-30"' },
      { lineNumber: 12, code: "field-count", reason: "expected 33 fields (from #Fields), found 32" },
    ]);
    expect(summary.format).toBe("w3c");
  });

  it("keeps exact time-taken distributions per minute", async () => {
    const summary = await summarizeLog([
      readFileSync(join(fixtures, "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz")),
    ]);
    const [first, second] = summary.aggregate.toJSON();
    expect(first?.timeTaken).toEqual({
      count: 2,
      sum: 0.121,
      min: 0.001,
      max: 0.12,
      values: [0.001, 0.12],
      counts: [1, 1],
    });
    expect(second?.timeTaken.values).toEqual([0, 0.002, 1.5]);
    expect(second?.timeToFirstByte.count).toBe(2);
  });
});

describe("line rules", () => {
  const summarizeText = (text: string) => summarizeLog([Buffer.from(text)]);

  it.each([
    ["an impossible date", { date: "2023-02-29" }, 'impossible date "2023-02-29"'],
    ["a month 13", { date: "2023-13-01" }, 'impossible date "2023-13-01"'],
    ["an hour 24", { time: "24:00:00" }, 'impossible time "24:00:00"'],
    ["a minute 60", { time: "10:60:00" }, 'impossible time "10:60:00"'],
    ["a two-digit status", { "sc-status": "20" }, 'sc-status "20" is not three digits'],
    ["a status with letters", { "sc-status": "2x0" }, 'sc-status "2x0" is not three digits'],
    ["fractional sc-bytes", { "sc-bytes": "12.5" }, 'sc-bytes "12.5" is not a whole number'],
    ["negative sc-bytes", { "sc-bytes": "-12" }, 'sc-bytes "-12" is not a whole number'],
    ["a non-numeric time-taken", { "time-taken": "fast" }, "time-taken is not a number of seconds"],
  ])("counts a line with %s as malformed and keeps the rest", async (_label, overrides, reason) => {
    const summary = await summarizeText(
      `${HEADER_33}${legacyLine()}\n${legacyLine(overrides)}\n${legacyLine()}\n`,
    );
    expect(summary.records).toBe(2);
    expect(summary.malformed).toBe(1);
    expect(summary.malformedLines).toEqual([{ lineNumber: 4, code: "invalid-value", reason }]);
  });

  it("accepts a leap day, status 000 and IPv6 clients", async () => {
    const summary = await summarizeText(
      `${HEADER_33}${legacyLine({ date: "2024-02-29", "sc-status": "000", "c-ip": "2001:db8:85a3::8a2e:370:7334" })}\n`,
    );
    expect(summary.malformed).toBe(0);
    expect(toCliSummary([summary]).requests.other).toBe(1);
  });

  it("skips blank lines and CRLF endings without counting them", async () => {
    const summary = await summarizeText(`\r\n${HEADER_33}\n\n${legacyLine()}\r\n\r\n${legacyLine()}`);
    expect(summary.records).toBe(2);
    expect(summary.malformed).toBe(0);
  });

  it("reads headerless legacy lines in the legacy order and rejects other headerless lines", async () => {
    const summary = await summarizeText(`${legacyLine()}\n${legacyLine({}, 26)}\na\tb\tc\n`);
    expect(summary.records).toBe(2);
    expect(summary.malformedLines).toEqual([
      { lineNumber: 3, code: "field-count", reason: "found 3 fields before any #Fields header" },
    ]);
  });

  it("uses the given field order for v2 plain output", async () => {
    const summary = await summarizeLog([Buffer.from("2024-01-02\t03:04:05\t204\t7\n")], {
      fields: ["date", "time", "sc-status", "sc-bytes"],
    });
    expect(toCliSummary([summary])).toMatchObject({
      records: 1,
      bytesSent: 7,
      perMinute: { "2024-01-02T03:04Z": 1 },
    });
  });

  it("follows a new #Fields header in the middle of a file", async () => {
    const text = `${HEADER_33}${legacyLine()}\n#Fields: time date sc-bytes\n10:00:00\t2020-01-01\t5\n`;
    const summary = await summarizeText(text);
    expect(toCliSummary([summary])).toMatchObject({ records: 2, bytesSent: 397 });
  });

  it("does not treat invalid UTF-8 inside a field as malformed", async () => {
    const line = Buffer.from(legacyLine({ "cs(User-Agent)": "XX" }));
    const at = line.indexOf("XX");
    line[at] = 0xff;
    line[at + 1] = 0xfe;
    const input = Buffer.concat([Buffer.from(HEADER_33), line, Buffer.from("\n")]);
    expect((await summarizeLog([input])).malformed).toBe(0);
    const records = [];
    for await (const record of readRecords([input])) records.push(record);
    expect(records[0]?.get("cs(User-Agent)")).toBe("\uFFFD\uFFFD");
  });
});

describe("gzip input", () => {
  const text = `${HEADER_33}${Array.from({ length: 500 }, (_, i) => legacyLine({ "sc-bytes": String(i) })).join("\n")}\n`;

  it("gives the same result for several gzip members as for one", async () => {
    const lines = text.split("\n");
    const members = Buffer.concat([
      gz(`${lines.slice(0, 200).join("\n")}\n`),
      gz(`${HEADER_33}${lines.slice(200).join("\n")}`),
    ]);
    const one = toCliSummary([await summarizeLog([gz(text)])]);
    const many = toCliSummary([await summarizeLog([members])]);
    expect(many).toEqual(one);
    expect(one.records).toBe(500);
  });

  it("throws a TruncatedLogError that carries what was parsed before the cut", async () => {
    const whole = gz(text);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const error = await summarizeLog([cut]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedLogError);
    const partial = (error as TruncatedLogError).partial;
    expect(partial.records).toBeGreaterThan(0);
    expect(partial.records).toBeLessThan(500);
    expect(partial.records + partial.malformed).toBeLessThanOrEqual(500);
    expect((error as Error).message).toMatch(/truncated or corrupt/);
  });

  it("rejects Parquet with an UnsupportedFormatError", async () => {
    await expect(summarizeLog([Buffer.from("PAR1\u0000\u0000")])).rejects.toBeInstanceOf(
      UnsupportedFormatError,
    );
  });

  it("returns an empty summary for empty input", async () => {
    const summary = await summarizeLog([]);
    expect(summary).toMatchObject({ format: "empty", records: 0, malformed: 0 });
  });

  it("reads a Node Readable in small chunks", async () => {
    const summary = await summarizeLog(Readable.from(chunked(gz(text), [7, 64, 1])));
    expect(summary.records).toBe(500);
  });
});

describe("readRecords", () => {
  it("yields typed records with raw and decoded values", async () => {
    const input = Buffer.from(
      `${HEADER_33}${legacyLine({ "cs-uri-query": "q=caf%25C3%25A9", "c-ip": "2001:db8::1", "cs(Cookie)": "-" })}\n`,
    );
    const records = [];
    for await (const record of readRecords([input])) records.push(record);
    const [record] = records;
    expect(record?.lineNumber).toBe(3);
    expect(record?.get("c-ip")).toBe("2001:db8::1");
    expect(record?.get("cs(Cookie)")).toBeUndefined();
    expect(record?.get("cs-uri-query")).toBe("q=caf%25C3%25A9");
    expect(record?.decoded("cs-uri-query")).toBe("q=caf%C3%A9");
    expect(record?.decoded("cs-uri-query", 2)).toBe("q=café");
    expect(record?.decoded("cs(User-Agent)")).toMatch(/^Mozilla\/5\.0 \(Windows NT 10\.0/);
    expect(record?.timestamp?.toISOString()).toBe("2019-12-04T21:02:31.000Z");
    expect(Object.keys(record?.toJSON() ?? {})).toEqual([...LEGACY_FIELDS]);
  });

  it("returns the summary when done and reports malformed lines", async () => {
    const malformed: number[] = [];
    const iterator = readRecords([Buffer.from(`${HEADER_33}${legacyLine()}\nbroken\n`)], {
      onMalformed: (line) => malformed.push(line.lineNumber),
    });
    let step = await iterator.next();
    let count = 0;
    while (step.done !== true) {
      count++;
      step = await iterator.next();
    }
    expect(count).toBe(1);
    expect(step.value.records).toBe(1);
    expect(malformed).toEqual([4]);
  });
});

describe("distributionIdFromKey", () => {
  it.each([
    ["cloudfront/E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz", "E2QWRUHAPOMQZL"],
    ["AWSLogs/123456789012/CloudFront/DistributionId=E3ABCDEF/2024/11/14/x.gz", "E3ABCDEF"],
    ["logs/E3ABCDEF/2024/11/14/01/part-0001.log.gz", "E3ABCDEF"],
    ["random/file.gz", undefined],
  ])("reads %s", (key, id) => {
    expect(distributionIdFromKey(key)).toBe(id);
  });
});
