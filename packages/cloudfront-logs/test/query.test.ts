import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMinute, LogAggregate } from "../src/aggregate.js";
import { distributionIdFromKey } from "../src/distribution-id.js";
import { aggregatedFieldIndexes } from "../src/fields.js";
import { readRecords, summarizeLog } from "../src/parse.js";
import {
  CLOUDFRONT_LOG_COLUMNS,
  CLOUDFRONT_LOG_PARTITION_KEYS,
  V2_JSON_FIELDS,
} from "../src/query/columns.js";
import { LogDatabase, type QueryResult } from "../src/query/duckdb.js";
import { listNamedQueries, type NamedQuery, namedQuery, renderQuery } from "../src/query/named-queries.js";
import type { LogSummary } from "../src/summary.js";

const fixtures = join(import.meta.dirname, "fixtures");
/** Every committed fixture log: the four formats of the summarize tests, and the v2 lines with c-country. */
const FILES = [
  ...Object.keys(JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as object).map((n) =>
    join(fixtures, n),
  ),
  ...readdirSync(join(fixtures, "query")).map((n) => join(fixtures, "query", n)),
];
const ALL_TIME = { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" };

const defaultId = (file: string) => distributionIdFromKey(basename(file)) ?? "unknown";
const open = (file: string) => Readable.from([readFileSync(file)]);

/** Column `name` of every row, as numbers. */
function numbers(result: QueryResult, name: string): number[] {
  const i = result.columns.indexOf(name);
  expect(i, `column ${name} in ${result.columns.join(",")}`).toBeGreaterThanOrEqual(0);
  return result.rows.map((row) => Number(row[i]));
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("the table shape", () => {
  it("gives every v2 JSON field the parser reads exactly one column (or partition key)", () => {
    const sources = [...CLOUDFRONT_LOG_COLUMNS, ...CLOUDFRONT_LOG_PARTITION_KEYS].map((c) => c.source);
    for (const field of V2_JSON_FIELDS)
      expect(
        sources.filter((s) => s === field),
        field,
      ).toHaveLength(1);
    // and no column comes from anywhere else (the hour key is the one derived value).
    const derived = sources.filter((s) => !V2_JSON_FIELDS.includes(s));
    expect(derived).toEqual([CLOUDFRONT_LOG_PARTITION_KEYS.find((k) => k.name === "datehour")?.source]);
  });

  it("names columns as Athena allows: lower case, no hyphens or parentheses, unique", () => {
    const names = [...CLOUDFRONT_LOG_COLUMNS, ...CLOUDFRONT_LOG_PARTITION_KEYS].map((c) => c.name);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set(names).size).toBe(names.length);
    const byField = Object.fromEntries(CLOUDFRONT_LOG_COLUMNS.map((c) => [c.source, c.name]));
    expect(byField).toMatchObject({
      "x-edge-location": "x_edge_location",
      "cs(User-Agent)": "cs_user_agent",
      "timestamp(ms)": "timestamp_ms",
      "c-country": "c_country",
    });
  });

  it("includes every field the aggregator (and so the Lambda) reads", () => {
    const indexes = aggregatedFieldIndexes(V2_JSON_FIELDS);
    for (const [field, index] of Object.entries(indexes)) expect(index, field).toBeGreaterThanOrEqual(0);
  });

  it("covers the fields of the v2 W3C fixture's #Fields header", () => {
    const header = readFileSync(join(fixtures, "v2-w3c-subset.log"), "utf8")
      .split("\n")
      .find((line) => line.startsWith("#Fields:"));
    for (const field of header?.replace("#Fields:", "").trim().split(" ") ?? [])
      expect(V2_JSON_FIELDS).toContain(field);
  });
});

describe("the named queries in DuckDB over the fixtures", () => {
  let db: LogDatabase;
  const summaries = new Map<string, LogSummary>();
  let records = 0;
  let withCountry = { requests: 0, errors5xx: 0 };

  beforeAll(async () => {
    db = await LogDatabase.open();
    for (const file of FILES) {
      await db.load(open(file), { distributionId: defaultId(file) });
      summaries.set(file, await summarizeLog(open(file), { distributionId: defaultId(file) }));
      for await (const record of readRecords(open(file), { distributionId: defaultId(file) })) {
        if (record.get("c-country") === undefined) continue;
        withCountry = {
          requests: withCountry.requests + 1,
          errors5xx: withCountry.errors5xx + (record.get("sc-status")?.startsWith("5") ? 1 : 0),
        };
      }
    }
    records = sum([...summaries.values()].map((s) => s.records));
  });
  afterAll(() => db.close());

  const run = (name: string, params: Record<string, string> = ALL_TIME) =>
    db.query(renderQuery(namedQuery(name), "literal", params));
  /** summarize's minutes over all the files, merged as the Lambda merges them. */
  const allMinutes = () => {
    const merged = new LogAggregate();
    for (const s of summaries.values()) merged.merge(s.aggregate);
    return merged.minutes();
  };
  const totals = () => {
    const minutes = allMinutes();
    return {
      requests5xx: sum(minutes.map((m) => m.status["5xx"])),
      bytesSent: sum(minutes.map((m) => m.bytesSent)),
      cacheHits: sum(minutes.map((m) => m.cacheHits)),
      cacheMisses: sum(minutes.map((m) => m.cacheMisses)),
    };
  };

  it("ships the six queries, each with a name, a description and documented parameters", () => {
    const queries = listNamedQueries();
    expect(queries.map((q) => q.name).sort()).toEqual([
      "cache-hit-ratio-by-prefix",
      "distribution-minutes",
      "requests-by-country",
      "slowest-edge-locations",
      "top-5xx-uris",
      "top-clients",
    ]);
    for (const q of queries) {
      expect(q.description.length, q.name).toBeGreaterThan(20);
      expect(
        q.parameters.map((p) => p.name),
        q.name,
      ).toEqual(expect.arrayContaining(["from", "to"]));
    }
  });

  it("loads exactly the records summarize counts", async () => {
    const result = await db.query("SELECT count(*) AS n FROM cloudfront_logs");
    expect(numbers(result, "n")).toEqual([records]);
  });

  it("distribution-minutes matches summarize per distribution and minute", async () => {
    const minutes = allMinutes();
    const distributions = [...new Set(minutes.map((m) => m.distributionId))];
    expect(distributions.length).toBeGreaterThan(3);
    for (const distribution of distributions) {
      const result = await run("distribution-minutes", { ...ALL_TIME, distribution });
      const got = result.rows.map((_, i) => ({
        minute: formatMinute((numbers(result, "minute_epoch")[i] as number) * 1000),
        requests: numbers(result, "requests")[i],
        requests5xx: numbers(result, "requests_5xx")[i],
        bytesSent: numbers(result, "bytes_sent")[i],
        bytesReceived: numbers(result, "bytes_received")[i],
        cacheHits: numbers(result, "cache_hits")[i],
        cacheMisses: numbers(result, "cache_misses")[i],
      }));
      const want = minutes
        .filter((m) => m.distributionId === distribution)
        .map((m) => ({
          minute: formatMinute(m.minute),
          requests: m.requests,
          requests5xx: m.status["5xx"],
          bytesSent: m.bytesSent,
          bytesReceived: m.bytesReceived,
          cacheHits: m.cacheHits,
          cacheMisses: m.cacheMisses,
        }));
      expect(got, distribution).toEqual(want);
    }
  });

  it("top-clients adds up to every request and every byte sent", async () => {
    const result = await run("top-clients");
    expect(sum(numbers(result, "requests"))).toBe(records);
    expect(sum(numbers(result, "bytes_sent"))).toBe(totals().bytesSent);
  });

  it("top-5xx-uris adds up to summarize's 5xx", async () => {
    const result = await run("top-5xx-uris");
    expect(totals().requests5xx).toBeGreaterThan(0);
    expect(sum(numbers(result, "requests_5xx"))).toBe(totals().requests5xx);
  });

  it("cache-hit-ratio-by-prefix adds up to summarize's hits and misses", async () => {
    const result = await run("cache-hit-ratio-by-prefix");
    expect(sum(numbers(result, "requests"))).toBe(records);
    expect(sum(numbers(result, "cache_hits"))).toBe(totals().cacheHits);
    expect(sum(numbers(result, "cache_misses"))).toBe(totals().cacheMisses);
  });

  it("slowest-edge-locations covers every request and puts the slowest first", async () => {
    const result = await run("slowest-edge-locations");
    expect(sum(numbers(result, "requests"))).toBe(records);
    const p99 = numbers(result, "time_taken_p99").filter((v) => !Number.isNaN(v));
    expect(p99).toEqual([...p99].sort((a, b) => b - a));
  });

  it("requests-by-country counts the lines that carry c-country", async () => {
    const result = await run("requests-by-country");
    expect(withCountry.requests).toBeGreaterThan(0);
    expect(sum(numbers(result, "requests"))).toBe(withCountry.requests);
    expect(sum(numbers(result, "requests_5xx"))).toBe(withCountry.errors5xx);
  });

  it("keeps only the time range asked for", async () => {
    const minute = allMinutes().find((m) => m.requests > 1);
    if (minute === undefined) throw new Error("no minute in the fixtures");
    const from = new Date(minute.minute).toISOString().replace(".000", "");
    const to = new Date(minute.minute + 59_999).toISOString();
    const result = await run("distribution-minutes", { from, to, distribution: minute.distributionId });
    expect(numbers(result, "requests")).toEqual([minute.requests]);
  });
});

describe("renderQuery", () => {
  const query: NamedQuery = namedQuery("distribution-minutes");

  it("writes the header's defaults for Athena, with the partition key's hour range", () => {
    const sql = renderQuery(query, "literal");
    const from = query.parameters.find((p) => p.name === "from")?.defaultValue ?? "";
    expect(sql).toContain(`"timestamp" BETWEEN ${Date.parse(from) / 1000} AND`);
    expect(sql).toMatch(/datehour BETWEEN '\d{4}\/\d{2}\/\d{2}\/\d{2}' AND '\d{4}\/\d{2}\/\d{2}\/\d{2}'/);
    expect(sql).not.toContain("{{");
  });

  it("uses the Athena data source's macros for Grafana", () => {
    const sql = renderQuery(query, "grafana");
    expect(sql).toContain('$__unixEpochFilter("timestamp")');
    expect(sql).toContain("date_format($__timeFrom(), '%Y/%m/%d/%H')");
    expect(sql).toContain("distributionid = '$distribution'");
  });

  it("refuses values that are not what they claim, before they reach SQL", () => {
    expect(() => renderQuery(query, "literal", { from: "yesterday" })).toThrow(/from="yesterday"/);
    expect(() => renderQuery(query, "literal", { distribution: "E1' OR 1=1 --" })).toThrow(/distribution=/);
    expect(() => renderQuery(query, "literal", { colour: "red" })).toThrow(/no parameter colour/);
  });
});
