import type * as sdk from "@grafana/grafana-foundation-sdk/dashboard";
import {
  CLOUDFRONT_LOG_COLUMNS,
  CLOUDFRONT_LOG_PARTITION_KEYS,
  CLOUDFRONT_LOGS_TABLE,
  namedQuery,
  renderQuery,
} from "@trackgraph/cloudfront-logs";
import { describe, expect, it } from "vitest";
import { athenaQueries } from "../src/catalog.js";
import { EXAMPLE_CONTEXT } from "../src/context.js";
import { DATASOURCES } from "../src/datasources.js";
import { athenaJsonData, edgeDashboard, topFailingPathsSql } from "../src/edge-dashboard.js";

/** SQL words and functions the panels may use; any other word must be a column of the log table. */
const SQL_WORDS = new Set(
  (
    "select from where group by having order desc asc limit and or not between as cast double count count_if " +
    "round sum coalesce nullif in is null date_format"
  ).split(" "),
);
const COLUMNS = new Set([...CLOUDFRONT_LOG_COLUMNS, ...CLOUDFRONT_LOG_PARTITION_KEYS].map((c) => c.name));

/**
 * The names a query reads that are neither SQL, nor its own aliases, nor a column of the Athena table.
 * Grafana macros (`$__timeFrom()`) and variables (`$distribution`) are not names; a macro's quoted
 * argument (`$__unixEpochFilter("timestamp")`) is, and is checked.
 */
function unknownNames(sql: string): string[] {
  const text = sql
    .replace(/--[^\n]*/g, " ")
    .replace(/'[^']*'/g, " ")
    .replace(/\$__\w+/g, " ")
    .replace(/\$\w+/g, " ");
  const aliases = new Set([...text.matchAll(/\bAS\s+(\w+)/gi)].map((m) => (m[1] ?? "").toLowerCase()));
  const names = [...text.matchAll(/"([^"]+)"|\b([A-Za-z_]\w*)\b/g)].map((m) =>
    (m[1] ?? m[2] ?? "").toLowerCase(),
  );
  return [
    ...new Set(
      names.filter(
        (n) => !SQL_WORDS.has(n) && !aliases.has(n) && n !== CLOUDFRONT_LOGS_TABLE && !COLUMNS.has(n),
      ),
    ),
  ];
}

describe("the edge dashboard's Athena panel", () => {
  const edge = edgeDashboard({ ...EXAMPLE_CONTEXT, environment: "prod" });
  const panels = (edge.panels ?? []) as sdk.Panel[];
  const athenaPanels = panels.filter((p) => p.datasource?.uid === DATASOURCES.athena.uid);

  it("is one table on the Athena data source", () => {
    expect(athenaPanels.map((p) => [p.type, p.title])).toEqual([
      ["table", "Top failing paths (raw logs, Athena)"],
    ]);
    expect(DATASOURCES.athena.type).toBe("grafana-athena-datasource");
  });

  it("runs the top-5xx-uris named query, from the same .sql file as Athena and cf-logs query", () => {
    const [query] = athenaQueries([edge]);
    expect(query?.sql).toBe(renderQuery(namedQuery("top-5xx-uris"), "grafana"));
    expect(query?.sql).toBe(topFailingPathsSql());
    expect(query?.sql).toContain('$__unixEpochFilter("timestamp")');
    expect(query?.sql).not.toContain("{{");
  });

  it("names only columns of the exported log table", () => {
    for (const query of athenaQueries([edge])) expect(unknownNames(query.sql ?? ""), query.panel).toEqual([]);
  });

  it("would catch a column the table does not have", () => {
    const sql = topFailingPathsSql().replaceAll("cs_uri_stem", "cs_uri");
    expect(unknownNames(sql)).toEqual(["cs_uri"]);
    expect(unknownNames('SELECT "x-edge-location" FROM cloudfront_logs')).toEqual(["x-edge-location"]);
  });
});

describe("athenaJsonData", () => {
  it("has what the plugin reads when provisioned: auth, region, catalog, database, workgroup", () => {
    expect(
      athenaJsonData({ region: "eu-west-1", database: "trackgraph_logs", workgroup: "trackgraph" }),
    ).toEqual({
      authType: "ec2",
      defaultRegion: "eu-west-1",
      catalog: "AwsDataCatalog",
      database: "trackgraph_logs",
      workgroup: "trackgraph",
    });
  });
});
