/**
 * The named queries are written in Athena's dialect (Trino). DuckDB runs them after these macros define
 * the few Trino functions it spells differently. This map is the one place the two engines differ; each
 * entry says why. A unit test runs every named query through DuckDB with exactly these macros, and
 * checks each macro against the DuckDB function it stands for.
 *
 * Functions both engines share and the queries use as they are: `count_if`, `date_trunc`,
 * `regexp_extract`, `coalesce`, `nullif`, `floor`, `round`, `CAST(... AS double)`.
 */
export const TRINO_COMPATIBILITY_MACROS: readonly { name: string; sql: string; why: string }[] = [
  {
    name: "approx_percentile",
    sql: "CREATE OR REPLACE MACRO approx_percentile(x, p) AS approx_quantile(x, p)",
    why: "Trino's approximate percentile is approx_percentile(x, p); DuckDB calls it approx_quantile (both sketch-based).",
  },
  {
    name: "from_unixtime",
    sql: "CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(x)",
    why: "Epoch seconds to a UTC timestamp: Trino's from_unixtime, DuckDB's to_timestamp.",
  },
  {
    name: "date_format",
    sql: "CREATE OR REPLACE MACRO date_format(t, f) AS strftime(t, f)",
    why: "Trino's date_format uses MySQL patterns; for the %Y %m %d %H the queries use, DuckDB's strftime reads them the same.",
  },
];

/** Session settings for the local engine: timestamps print in UTC, as Athena's do. */
export const DUCKDB_SESSION_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'"];
