import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";

/** A parameter a named query declares in its header: `-- param <name> (default <value>): <description>`. */
export interface QueryParameter {
  readonly name: string;
  readonly defaultValue: string;
  readonly description: string;
}

/** One `.sql` file of the package's `queries/` folder, header parsed. */
export interface NamedQuery {
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly QueryParameter[];
  /** The SQL as written, placeholders included (`{{time_filter}}`, `{{distribution}}`). */
  readonly sql: string;
}

/** Thrown for a query file or parameter value that cannot be used; the message names which. */
export class NamedQueryError extends Error {
  override readonly name = "NamedQueryError";
}

/**
 * Where a query's placeholders go:
 * - `literal`: values written into the text. What Athena's named queries hold (they take no parameters)
 *   and what `cf-logs query` runs in DuckDB.
 * - `grafana`: the Athena data source's macros over the dashboard's time range and `$distribution`.
 */
export type RenderTarget = "literal" | "grafana";

const HEADER = /^--\s*(name|description):\s*(.+?)\s*$/;
const PARAM = /^--\s*param\s+(\w+)\s+\(default\s+([^)]+)\):\s*(.+?)\s*$/;
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;
const DISTRIBUTION = /^[A-Za-z0-9]{1,64}$/;

/** Which parameters each placeholder needs. */
const PLACEHOLDER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  time_filter: ["from", "to"],
  distribution: ["distribution"],
};

/** Reads a query file's header comment; `fallbackName` names a file without a `-- name:` line. */
export function parseNamedQuery(text: string, fallbackName: string): NamedQuery {
  const fields: Record<string, string> = {};
  const parameters: QueryParameter[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("--")) continue;
    const header = HEADER.exec(line);
    if (header?.[1] !== undefined && header[2] !== undefined) fields[header[1]] = header[2];
    const param = PARAM.exec(line);
    if (param?.[1] !== undefined && param[2] !== undefined && param[3] !== undefined)
      parameters.push({ name: param[1], defaultValue: param[2].trim(), description: param[3] });
  }
  return {
    name: fields.name ?? fallbackName,
    description: fields.description ?? "",
    parameters,
    sql: text,
  };
}

/** The package's `queries/` folder, found through the package's own name (works from src and dist). */
export function namedQueriesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@trackgraph/cloudfront-logs/package.json")), "queries");
}

/** Every named query shipped with the package, sorted by file name. */
export function listNamedQueries(dir = namedQueriesDir()): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => parseNamedQuery(readFileSync(join(dir, file), "utf8"), basename(file, ".sql")));
}

/** One named query by name (`top-5xx-uris`). */
export function namedQuery(name: string, dir = namedQueriesDir()): NamedQuery {
  const query = listNamedQueries(dir).find((q) => q.name === name);
  if (query === undefined) throw new NamedQueryError(`no named query "${name}" in ${dir}`);
  return query;
}

function checkedValue(name: string, value: string): string {
  const valid =
    name === "distribution"
      ? DISTRIBUTION.test(value)
      : ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
  if (!valid) {
    const expected =
      name === "distribution" ? "letters and digits" : "an ISO-8601 UTC time such as 2024-11-14T02:00:00Z";
    throw new NamedQueryError(`parameter ${name}=${JSON.stringify(value)}: expected ${expected}`);
  }
  return value;
}

function hourKey(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}`;
}

function literalTimeFilter(from: string, to: string): string {
  const fromSeconds = Date.parse(from) / 1000;
  const toSeconds = Date.parse(to) / 1000;
  return (
    `"timestamp" BETWEEN ${fromSeconds} AND ${toSeconds} /* ${from} .. ${to} */` +
    ` AND datehour BETWEEN '${hourKey(from)}' AND '${hourKey(to)}'`
  );
}

const GRAFANA_TIME_FILTER =
  `$__unixEpochFilter("timestamp")` +
  ` AND datehour BETWEEN date_format($__timeFrom(), '%Y/%m/%d/%H') AND date_format($__timeTo(), '%Y/%m/%d/%H')`;

/** The parameter values a render uses: the given ones over the header's defaults. */
function resolvedValues(query: NamedQuery, given: Readonly<Record<string, string>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of query.parameters) values[p.name] = p.defaultValue;
  return { ...values, ...given };
}

function parameterValue(values: Record<string, string>, name: string, query: NamedQuery): string {
  const value = values[name];
  if (value === undefined)
    throw new NamedQueryError(
      `query ${query.name}: parameter ${name} has no value (pass --param ${name}=...)`,
    );
  return checkedValue(name, value);
}

/**
 * The query's SQL with its placeholders replaced for `target`. Placeholders, and why there are any:
 * Athena's named queries take no parameters, Grafana has its own macros, and DuckDB runs the text we
 * give it; so the `.sql` files name what varies and each consumer fills it in its own way.
 * - `{{time_filter}}`: rows whose `timestamp` lies in [from, to], plus the same range on the
 *   `datehour` partition key so Athena reads only those hours' objects.
 * - `{{distribution}}`: the distribution id as a string literal.
 * Values are checked (ISO-8601 UTC times, alphanumeric ids) before they are written into SQL.
 */
export function renderQuery(
  query: NamedQuery,
  target: RenderTarget,
  given: Readonly<Record<string, string>> = {},
): string {
  const values = resolvedValues(query, given);
  for (const name of Object.keys(given)) {
    if (
      !query.parameters.some((p) => p.name === name) &&
      !Object.values(PLACEHOLDER_PARAMS).flat().includes(name)
    )
      throw new NamedQueryError(`query ${query.name} has no parameter ${name}`);
  }
  return query.sql.replace(PLACEHOLDER, (_match, placeholder: string) => {
    if (placeholder === "time_filter") {
      if (target === "grafana") return GRAFANA_TIME_FILTER;
      return literalTimeFilter(parameterValue(values, "from", query), parameterValue(values, "to", query));
    }
    if (placeholder === "distribution") {
      if (target === "grafana") return "'$distribution'";
      return `'${parameterValue(values, "distribution", query)}'`;
    }
    throw new NamedQueryError(`query ${query.name}: unknown placeholder {{${placeholder}}}`);
  });
}
