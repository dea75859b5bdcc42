import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecords } from "../src/parse.js";
import { TRINO_COMPATIBILITY_MACROS } from "../src/query/dialect.js";
import { columnsToLoad, LogDatabase, referencedColumns } from "../src/query/duckdb.js";
import { formatCsv, formatJsonLines, formatTable } from "../src/query/output.js";
import { LOG_ROW_COLUMNS, logRowBatches, toLogRow } from "../src/query/rows.js";
import { HEADER_33, legacyLine } from "./helpers.js";

const column = (name: string) => LOG_ROW_COLUMNS.findIndex((c) => c.name === name);

async function firstRecord(text: string) {
  for await (const record of readRecords(Readable.from([Buffer.from(text)]))) return record;
  throw new Error("no record");
}

describe("toLogRow", () => {
  it("types a legacy line's values and derives its timestamp and hour key", async () => {
    const record = await firstRecord(`${HEADER_33}${legacyLine({ "sc-bytes": "392", "c-port": "-" })}\n`);
    const row = toLogRow(record, "E2QWRUHAPOMQZL");
    expect(row[column("sc_bytes")]).toBe(392);
    expect(row[column("sc_status")]).toBe(200);
    expect(row[column("time_taken")]).toBe(0.001);
    expect(row[column("c_port")]).toBeNull();
    expect(row[column("date")]).toBe("2019-12-04");
    expect(row[column("timestamp")]).toBe(Date.parse("2019-12-04T21:02:31Z") / 1000);
    expect(row[column("timestamp_ms")]).toBeNull();
    expect(row[column("distributionid")]).toBe("E2QWRUHAPOMQZL");
    expect(row[column("datehour")]).toBe("2019/12/04/21");
    expect(row[column("cs_user_agent")]).toMatch(/^Mozilla\/5\.0%20/);
  });

  it("takes DistributionId from the line over the default, and NULLs what is not a number", async () => {
    const record = await firstRecord(
      `${JSON.stringify({ "timestamp(ms)": 1731549600123, DistributionId: "E4OWN", "sc-range-start": "x1" })}\n`,
    );
    const row = toLogRow(record, "EDEFAULT");
    expect(row[column("distributionid")]).toBe("E4OWN");
    expect(row[column("timestamp_ms")]).toBe(1731549600123);
    expect(row[column("timestamp")]).toBe(1731549600.123);
    expect(row[column("sc_range_start")]).toBeNull();
  });

  it("leaves columns outside `only` NULL", async () => {
    const record = await firstRecord(`${HEADER_33}${legacyLine()}\n`);
    const row = toLogRow(record, "E1", new Set(["sc_status"]));
    expect(row[column("sc_status")]).toBe(200);
    expect(row[column("sc_bytes")]).toBeNull();
    expect(row[column("timestamp")]).toBeNull();
  });
});

describe("logRowBatches", () => {
  it("yields batches while the input is still being read (it streams)", async () => {
    let produced = 0;
    // An input that never ends: a reader that needed all of it first would never yield.
    async function* endless() {
      yield Buffer.from(HEADER_33);
      for (;;) {
        produced += 1000;
        yield Buffer.from(`${Array.from({ length: 1000 }, () => legacyLine()).join("\n")}\n`);
      }
    }
    const batches = logRowBatches(endless(), { batchRows: 500 });
    const first = await batches.next();
    const second = await batches.next();
    await batches.return(undefined as never);
    expect(first.done).toBe(false);
    expect(second.done).toBe(false);
    expect(produced).toBeLessThan(20_000);
  });
});

describe("the Trino compatibility macros", () => {
  let db: LogDatabase;
  beforeAll(async () => {
    db = await LogDatabase.open();
  });
  afterAll(() => db.close());

  const one = async (sql: string) => (await db.query(sql)).rows[0]?.[0];

  it("define exactly the functions the queries need", () => {
    expect(TRINO_COMPATIBILITY_MACROS.map((m) => m.name).sort()).toEqual([
      "approx_percentile",
      "date_format",
      "from_unixtime",
    ]);
  });

  it("approx_percentile is DuckDB's approx_quantile", async () => {
    const values = "FROM range(1, 1001) t(x)";
    expect(await one(`SELECT approx_percentile(x, 0.99) ${values}`)).toBe(
      await one(`SELECT approx_quantile(x, 0.99) ${values}`),
    );
    expect(Number(await one(`SELECT approx_percentile(x, 0.5) ${values}`))).toBeCloseTo(500, -1);
  });

  it("stores a legacy line's date as a DATE and its derived time and hour", async () => {
    await db.load(Readable.from([Buffer.from(`${HEADER_33}${legacyLine()}\n`)]), {
      distributionId: "E1DATE",
    });
    const result = await db.query(
      `SELECT CAST("date" AS VARCHAR), "timestamp", datehour, distributionid FROM cloudfront_logs`,
    );
    expect(result.rows).toEqual([
      ["2019-12-04", Date.parse("2019-12-04T21:02:31Z") / 1000, "2019/12/04/21", "E1DATE"],
    ]);
  });

  it("from_unixtime reads epoch seconds as UTC, and date_format takes Trino's %Y/%m/%d/%H", async () => {
    expect(await one("SELECT from_unixtime(1731549660.5)")).toBe("2024-11-14 02:01:00.5+00");
    expect(await one("SELECT date_format(from_unixtime(1731549660), '%Y/%m/%d/%H')")).toBe("2024/11/14/02");
  });
});

describe("referencedColumns", () => {
  it("finds the columns a query names, and gives up on SELECT *", () => {
    expect([
      ...(referencedColumns("SELECT c_ip, count(*) FROM cloudfront_logs WHERE sc_status > 499") ?? []),
    ]).toEqual(["c_ip", "sc_status"]);
    expect(referencedColumns('SELECT floor("timestamp" / 60) * 60 FROM cloudfront_logs')).toEqual(
      new Set(["timestamp"]),
    );
    expect(referencedColumns("SELECT * FROM cloudfront_logs")).toBeUndefined();
    expect(referencedColumns("SELECT l.* FROM cloudfront_logs l")).toBeUndefined();
  });
});

describe("columnsToLoad", () => {
  let db: LogDatabase;
  beforeAll(async () => {
    db = await LogDatabase.open();
  });
  afterAll(() => db.close());

  it("narrows to what a query names and reads", async () => {
    const columns = await columnsToLoad(
      db,
      "SELECT c_ip, count(*) FROM cloudfront_logs WHERE sc_status > 499 GROUP BY 1",
    );
    expect([...(columns ?? [])].sort()).toEqual(["c_ip", "sc_status"]);
  });

  it.each([
    "FROM cloudfront_logs LIMIT 2",
    "SUMMARIZE cloudfront_logs",
    "SELECT t FROM cloudfront_logs t",
    "SELECT DISTINCT ON (c_ip) * FROM cloudfront_logs",
  ])("loads every column when DuckDB's plan reads them all: %s", async (sql) => {
    expect(referencedColumns(sql)).not.toBeUndefined();
    expect(await columnsToLoad(db, sql)).toBeUndefined();
  });
});

describe("output formats", () => {
  const result = {
    columns: ["path", "requests", "note"],
    types: ["VARCHAR", "BIGINT", "VARCHAR"],
    rows: [
      ["/a", 12, null],
      ["/b,c", 3, 'say "hi"'],
    ],
  };

  it("aligns a table, numbers to the right", () => {
    expect(formatTable(result)).toBe(
      [
        "path  requests  note",
        "----  --------  --------",
        "/a          12  NULL",
        '/b,c         3  say "hi"',
        "(2 rows)",
      ].join("\n"),
    );
  });

  it("writes JSON lines and RFC 4180 CSV", () => {
    expect(
      formatJsonLines(result)
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { path: "/a", requests: 12, note: null },
      { path: "/b,c", requests: 3, note: 'say "hi"' },
    ]);
    expect(formatCsv(result)).toBe('path,requests,note\r\n/a,12,\r\n"/b,c",3,"say ""hi"""');
  });
});
