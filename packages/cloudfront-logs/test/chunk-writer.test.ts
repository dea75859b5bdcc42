import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { readRecords } from "../src/parse.js";
import { appendLogRows, LogDatabase } from "../src/query/duckdb.js";
import { toLogRow } from "../src/query/rows.js";
import { HEADER_33, legacyLine } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const ALL_ROWS = "SELECT * FROM cloudfront_logs ORDER BY ALL";
const opened: LogDatabase[] = [];

async function database(): Promise<LogDatabase> {
  const db = await LogDatabase.open();
  opened.push(db);
  return db;
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** The table `cf-logs query` loads: W3C lines go from their bytes into the chunks. */
async function byBytes(log: Buffer, columns?: ReadonlySet<string>) {
  const db = await database();
  if (columns !== undefined) await db.narrowTo(columns);
  await db.load(Readable.from([log]), { distributionId: "EDEFAULT", ...(columns ? { columns } : {}) });
  return (await db.query(ALL_ROWS)).rows;
}

/** The same log through records and `toLogRow`, the library's appender form. */
async function byRecords(log: Buffer) {
  const db = await database();
  const rows = [];
  for await (const record of readRecords(Readable.from([log]), { distributionId: "EDEFAULT" }))
    rows.push(toLogRow(record, "EDEFAULT"));
  const appender = await db.connection.createAppender("cloudfront_logs");
  appendLogRows(appender, rows);
  appender.closeSync();
  return (await db.query(ALL_ROWS)).rows;
}

const V2_HEADER =
  "#Version: 1.0\n#Fields: timestamp timestamp(ms) date time c-port cs-uri-stem DistributionId sc-status\n";

function invalidUtf8Line(): Buffer {
  const [before, after] = legacyLine({ "cs-uri-stem": "/PLACEHOLDER" }).split("PLACEHOLDER");
  return Buffer.concat([
    Buffer.from(before ?? ""),
    Buffer.from([0x63, 0xff, 0xfe]),
    Buffer.from(`${after}\n`),
  ]);
}

/** Values that only a text parse reads right, and lines whose request time comes from different fields. */
const TRICKY = Buffer.concat([
  Buffer.from(HEADER_33),
  Buffer.from(
    `${[
      legacyLine({
        "c-port": "99999999999",
        "sc-content-len": "12.",
        "sc-range-start": " 7",
        "sc-range-end": "1e3",
      }),
      legacyLine({
        "c-port": "0x1F",
        "fle-encrypted-fields": "-3",
        "sc-range-start": "-",
        "cs(Cookie)": "a=b",
      }),
    ].join("\n")}\n`,
  ),
  // Not valid UTF-8: both paths must read it with replacement characters.
  invalidUtf8Line(),
  Buffer.from(V2_HEADER),
  Buffer.from(
    [
      "1731546000.5\t-\t-\t-\t443\t/a\t-\t200",
      "abc\t1731546000123\t-\t-\t80\t/b\tE9OWN\t500",
      "-\t1731549600999\t2024-11-14\t02:00:01\t-\t/c\t-\t404",
      "",
    ].join("\n"),
  ),
]);

describe("the byte path into DuckDB", () => {
  it("stores the same rows as records through toLogRow, for every column", async () => {
    const expected = await byRecords(TRICKY);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(await byBytes(TRICKY)).toEqual(expected);
  });

  it("agrees with the record path on the W3C fixtures", async () => {
    for (const name of [
      "E2QWRUHAPOMQZL.2019-12-04-21.a1b2c3d4.gz",
      "E1OLDFORMAT26.2018-03-01-00.0000abcd.gz",
      "v2-w3c-subset.log",
    ]) {
      const log = fixture(name);
      expect(await byBytes(log), name).toEqual(await byRecords(log));
    }
  });

  it("reads the tricky values as a text parse does", async () => {
    const db = await database();
    await db.load(Readable.from([TRICKY]), { distributionId: "EDEFAULT" });
    const { rows } = await db.query(
      `SELECT c_port, sc_content_len, sc_range_start, sc_range_end, "timestamp", datehour, distributionid
       FROM cloudfront_logs WHERE c_port IS NULL OR c_port IN (31, 443, 80) ORDER BY "timestamp"`,
    );
    expect(rows).toContainEqual([
      null,
      12,
      7,
      1000,
      Date.parse("2019-12-04T21:02:31Z") / 1000,
      "2019/12/04/21",
      "EDEFAULT",
    ]);
    expect(rows).toContainEqual([443, null, null, null, 1731546000.5, "2024/11/14/01", "EDEFAULT"]);
    expect(rows).toContainEqual([80, null, null, null, 1731546000.123, "2024/11/14/01", "E9OWN"]);
  });

  it("fills only the columns a narrowed table has", async () => {
    const rows = await byBytes(TRICKY, new Set(["c_port", "datehour"]));
    expect(rows).toContainEqual([443, "2024/11/14/01"]);
    expect(rows[0]).toHaveLength(2);
  });
});
