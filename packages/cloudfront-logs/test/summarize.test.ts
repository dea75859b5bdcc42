import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  distributionIdFromKey,
  LEGACY_FIELDS,
  type LogSummary,
  MALFORMED_CODE_LIST,
  MALFORMED_CODES,
  type MalformedCode,
  readRecords,
  summarizeLog,
  TruncatedLogError,
  toCliSummary,
  UnsupportedFormatError,
} from "../src/index.js";
import { chunked, gz, HEADER_33, legacyLine, type Overrides } from "./helpers.js";

/** The same line as a v2 JSON-format line: every field of the legacy line, `-` left out. */
function jsonLine(overrides: Overrides): string {
  const values = legacyLine(overrides).split("\t");
  return JSON.stringify(
    Object.fromEntries(LEGACY_FIELDS.map((name, k) => [name, values[k]]).filter(([, v]) => v !== "-")),
  );
}

async function drain(iterator: AsyncGenerator<unknown, LogSummary>): Promise<LogSummary> {
  for (let step = await iterator.next(); ; step = await iterator.next())
    if (step.done === true) return step.value;
}

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
    expect(summary.malformedLines.map(({ lineNumber, code }) => [lineNumber, code])).toEqual([
      [11, "invalid-date"],
      [12, "field-count"],
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

  const badValues: Array<[string, Overrides, MalformedCode]> = [
    ["an impossible date", { date: "2023-02-29" }, "invalid-date"],
    ["a month 13", { date: "2023-13-01" }, "invalid-date"],
    ["an hour 24", { time: "24:00:00" }, "invalid-time"],
    ["a minute 60", { time: "10:60:00" }, "invalid-time"],
    ["a two-digit status", { "sc-status": "20" }, "invalid-status"],
    ["a status with letters", { "sc-status": "2x0" }, "invalid-status"],
    ["fractional sc-bytes", { "sc-bytes": "12.5" }, "invalid-bytes"],
    ["negative cs-bytes", { "cs-bytes": "-12" }, "invalid-bytes"],
    ["a non-numeric time-taken", { "time-taken": "fast" }, "invalid-duration"],
    ["a time-to-first-byte with two points", { "time-to-first-byte": "0.1.2" }, "invalid-duration"],
    ["no date, time or timestamp", { date: "-", time: "-" }, "no-time"],
  ];

  it.each(badValues)(
    "counts a line with %s as malformed and keeps the rest",
    async (_label, overrides, code) => {
      const summary = await summarizeText(
        `${HEADER_33}${legacyLine()}\n${legacyLine(overrides)}\n${legacyLine()}\n`,
      );
      expect(summary.records).toBe(2);
      expect(summary.malformed).toBe(1);
      expect(summary.malformedLines.map((m) => [m.lineNumber, m.code])).toEqual([[4, code]]);
    },
  );

  it.each(badValues)(
    "gives %s the same code and reason on the byte, record and JSON paths",
    async (_l, overrides, code) => {
      const w3c = Buffer.from(`${HEADER_33}${legacyLine(overrides)}\n`);
      const json = Buffer.from(`${jsonLine(overrides)}\n`);
      const viaBytes = (await summarizeLog([w3c])).malformedLines;
      const viaRecords = await drain(readRecords([w3c]));
      const viaJson = (await summarizeLog([json])).malformedLines;
      expect(viaBytes.map((m) => m.code)).toEqual([code]);
      expect(viaRecords.malformedLines).toEqual(viaBytes);
      expect(viaJson.map(({ code, reason }) => ({ code, reason }))).toEqual(
        viaBytes.map(({ code, reason }) => ({ code, reason })),
      );
    },
  );

  it("uses only codes from the exported table, and the table gives each a meaning", async () => {
    const seen = new Set<string>();
    const text = [
      `${HEADER_33}${legacyLine({ date: "2023-02-30" })}`,
      "a\tb",
      legacyLine({ "sc-bytes": "x" }),
    ].join("\n");
    const summary = await summarizeLog([Buffer.from(`${text}\n`)], { onMalformed: (m) => seen.add(m.code) });
    const json = await summarizeLog([Buffer.from('{"date":"2024-01-01"\n[1]\n')]);
    for (const m of json.malformedLines) seen.add(m.code);
    expect([...seen].sort()).toEqual(["field-count", "invalid-bytes", "invalid-date", "invalid-json"]);
    expect(summary.malformed).toBe(3);
    for (const code of seen) expect(MALFORMED_CODES[code as MalformedCode]).toMatch(/\w/);
    expect(MALFORMED_CODE_LIST).toEqual(Object.keys(MALFORMED_CODES));
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
    expect(summary.malformedLines.map((m) => [m.lineNumber, m.code])).toEqual([[3, "field-count"]]);
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
