import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { LogInput } from "../input.js";
import { readLogLines } from "../parse.js";
import type { LogSummary } from "../summary.js";
import { CHUNK_ROWS, LogChunkWriter } from "./chunk-writer.js";
import { CLOUDFRONT_LOGS_TABLE } from "./columns.js";
import { DUCKDB_SESSION_SETTINGS, TRINO_COMPATIBILITY_MACROS } from "./dialect.js";
import { LOG_ROW_COLUMNS, type LogRow, type LogRowBatchOptions, toLogRow } from "./rows.js";

/** A query's result, every value JSON-safe: numbers, strings, booleans or null. */
export interface QueryResult {
  columns: string[];
  types: string[];
  rows: Array<Array<string | number | boolean | null>>;
}

export interface LogDatabaseOptions {
  /**
   * DuckDB's memory limit (`"512MB"`). The database is in memory, but past this limit DuckDB moves blocks
   * to a temporary directory (deleted on close) instead of growing. Default `"128MB"`.
   */
  memoryLimit?: string;
  /** DuckDB's worker threads. Default: the cores this process may use. */
  threads?: number;
}

/**
 * DuckDB's default is 80% of the machine's memory, and its buffer pool grows with the table until then:
 * a fixed limit is what keeps the peak flat once the table outgrows it (the rest spills to the temporary
 * directory). 128MB, not more: on the 2M-line bench log, distribution-minutes peaked at 383 MB with 256MB
 * and 336 MB with 128MB, `SELECT *` at 624 and 378 MB, and neither ran slower with the lower limit.
 */
const DEFAULT_MEMORY_LIMIT = "128MB";

/**
 * Rows per appender commit. Until a commit DuckDB holds appended rows in transaction-local storage, and a
 * large commit costs a spike of memory on top (measured on 200k lines of all columns: 569 MB peak with
 * DuckDB's own 204,800-row flushes, 337 MB committing every 20,480 rows; 10,240 was no lower and slower).
 */
const COMMIT_ROWS = 10 * CHUNK_ROWS;

/** Indexes into {@link LOG_ROW_COLUMNS} of every column. */
const ALL_COLUMNS: readonly number[] = LOG_ROW_COLUMNS.map((_, i) => i);

/**
 * `CREATE TABLE cloudfront_logs (...)` with the columns of a {@link LogRow}, or only those at `columns`
 * (indexes into {@link LOG_ROW_COLUMNS}).
 */
export function createTableSql(columns: readonly number[] = ALL_COLUMNS): string {
  const list = columns.map((i) => LOG_ROW_COLUMNS[i]).map((c) => `"${c?.name}" ${c?.duckdbType}`);
  return `CREATE TABLE ${CLOUDFRONT_LOGS_TABLE} (${list.join(", ")})`;
}

/**
 * The columns a query can read, found by name in its text: the loader converts only these and leaves the
 * rest NULL, which saves most of the per-line work for a typical query. `*` (or any mention of the table in
 * a form we cannot see through) means all of them.
 */
export function referencedColumns(sql: string): Set<string> | undefined {
  const text = sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
  // `SELECT *`, `SELECT t.*`, `, *`: every column may be read. (`count(*)` and `x * 60` are not this.)
  if (/(?:\bselect\b(?:\s+distinct\b)?|,)\s*(?:\w+\.)?\*/i.test(text)) return undefined;
  if (/\bcolumns\s*\(/i.test(text)) return undefined;
  const words = new Set(text.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return new Set(LOG_ROW_COLUMNS.map((c) => c.name).filter((name) => words.has(name)));
}

/**
 * The columns to load for `sql`: those its text names and those DuckDB's planner reads (see
 * {@link LogDatabase.columnsRead}); `undefined` (all of them) when either cannot tell. Both are asked
 * because each sees what the other cannot: the text a filter DuckDB folds away, the planner a column the
 * text never names.
 */
export async function columnsToLoad(db: LogDatabase, sql: string): Promise<Set<string> | undefined> {
  const named = referencedColumns(sql);
  const planned = named === undefined ? undefined : await db.columnsRead(sql);
  if (named === undefined || planned === undefined) return undefined;
  const columns = new Set([...named, ...[...planned].filter((name) => LOG_ROW_NAMES.has(name))]);
  return columns.size === LOG_ROW_COLUMNS.length ? undefined : columns;
}

const LOG_ROW_NAMES: ReadonlySet<string> = new Set(LOG_ROW_COLUMNS.map((c) => c.name));

/**
 * Appends rows in {@link LOG_ROW_COLUMNS} order to `cloudfront_logs` through a DuckDB appender, a data
 * chunk (2,048 rows) at a time, numbers as typed arrays. `columns` are the table's columns as indexes into
 * {@link LOG_ROW_COLUMNS} (all of them unless the table was made with fewer).
 */
export function appendLogRows(
  appender: DuckDBAppender,
  rows: readonly LogRow[],
  columns: readonly number[] = ALL_COLUMNS,
): void {
  const writer = new LogChunkWriter(appender, columns);
  for (const row of rows) writer.addRow(row);
  writer.flush();
}

function jsonSafe(value: DuckDBValue): string | number | boolean | null {
  if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string")
    return value;
  if (typeof value === "bigint")
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  return String(value);
}

/**
 * A DuckDB database holding one `cloudfront_logs` table shaped like the Athena table, with the Trino
 * compatibility macros installed, so the named queries run unchanged.
 */
export class LogDatabase {
  /** The table's columns, as indexes into LOG_ROW_COLUMNS. */
  private columns: readonly number[] = ALL_COLUMNS;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly dir: string,
  ) {}

  static async open(options: LogDatabaseOptions = {}): Promise<LogDatabase> {
    const dir = mkdtempSync(join(tmpdir(), "cf-logs-query-"));
    try {
      // In memory rather than a database file: no WAL or checkpoints to pay for (1M lines of all columns
      // loaded in 43 s against 65 s file-backed, about the same peak), and it still spills past the limit.
      const instance = await DuckDBInstance.create(":memory:", {
        memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
        temp_directory: join(dir, "spill"),
        threads: String(options.threads ?? availableParallelism()),
        // No query here depends on the table's row order (the named queries sort), and keeping it makes
        // DuckDB hold more in memory while it loads and aggregates.
        preserve_insertion_order: "false",
      });
      const connection = await instance.connect();
      for (const sql of [
        ...DUCKDB_SESSION_SETTINGS,
        ...TRINO_COMPATIBILITY_MACROS.map((m) => m.sql),
        createTableSql(),
      ])
        await connection.run(sql);
      return new LogDatabase(instance, connection, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Parses one log and appends its records to the table, a batch at a time. Returns the parse summary.
   * `onRows` sees the running count after every batch (for a progress line).
   */
  async load(
    input: LogInput,
    options: LogRowBatchOptions = {},
    onRows?: (rows: number) => void,
  ): Promise<LogSummary> {
    const appender = await this.connection.createAppender(CLOUDFRONT_LOGS_TABLE);
    try {
      const { columns: only, batchRows: _unused, ...parseOptions } = options;
      const distributionId = parseOptions.distributionId ?? "unknown";
      const writer = new LogChunkWriter(appender, this.columns);
      let committed = 0;
      // W3C lines go from the bytes into the chunk; JSON lines come back as records.
      const lines = readLogLines(input, parseOptions, (buf, starts, fields, values) =>
        writer.addLine(buf, starts, fields, values),
      );
      for (let step = await lines.next(); ; step = await lines.next()) {
        if (step.done === true) {
          writer.flush();
          appender.flushSync();
          return step.value;
        }
        for (const record of step.value) writer.addRow(toLogRow(record, distributionId, only));
        if (writer.rows - committed >= COMMIT_ROWS) {
          writer.flush();
          appender.flushSync();
          committed = writer.rows;
        }
        onRows?.(writer.rows);
      }
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Makes the (still empty) table hold only the named columns: a query that reads five of the 44 columns
   * then costs five columns of loading. Call it before {@link load}, after {@link check} on the full table.
   */
  async narrowTo(names: ReadonlySet<string>): Promise<void> {
    const named = ALL_COLUMNS.filter((i) => names.has(LOG_ROW_COLUMNS[i]?.name ?? ""));
    // A table needs a column; `SELECT count(*)` names none, and the hour key costs the least to fill.
    const columns =
      named.length > 0 ? named : ALL_COLUMNS.filter((i) => LOG_ROW_COLUMNS[i]?.name === "datehour");
    await this.connection.run(`DROP TABLE ${CLOUDFRONT_LOGS_TABLE}`);
    await this.connection.run(createTableSql(columns));
    this.columns = columns;
  }

  /**
   * The columns of `cloudfront_logs` a query reads, as DuckDB's own planner sees them on the (still empty,
   * full) table: the projections of every scan of it in `EXPLAIN (FORMAT json)`. That sees what no reading
   * of the text can: `FROM cloudfront_logs` alone, `SUMMARIZE`, a table used as a struct, `DISTINCT ON`
   * with `*`. `undefined` when the plan cannot be read: then every column is loaded.
   */
  async columnsRead(sql: string): Promise<Set<string> | undefined> {
    let plan: unknown;
    try {
      // On an empty table, statistics prove every filter false and the scan becomes an empty result,
      // hiding the columns it reads; without that one optimizer the plan keeps its scans.
      await this.connection.run("SET disabled_optimizers = 'statistics_propagation'");
      const reader = await this.connection.runAndReadAll(`EXPLAIN (FORMAT json) ${sql}`);
      plan = JSON.parse(String(reader.getRows()[0]?.[1]));
    } catch {
      return undefined;
    } finally {
      await this.connection.run("RESET disabled_optimizers");
    }
    const scans = scansOf(plan, CLOUDFRONT_LOGS_TABLE);
    if (scans.length === 0) return undefined;
    return new Set(scans.flatMap(columnsNamedIn));
  }

  /** Checks a query against the (possibly still empty) table: syntax, names and types. Throws DuckDB's error. */
  async check(sql: string): Promise<void> {
    const prepared = await this.connection.prepare(sql);
    prepared.destroySync();
  }

  /** Runs SQL and reads the whole result. */
  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map(String),
      rows: reader.getRows().map((row) => row.map(jsonSafe)),
    };
  }

  close(): void {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The `extra_info` of every plan node that scans `table`, depth first. */
function scansOf(plan: unknown, table: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const { extra_info: info, children } = node as {
      extra_info?: Record<string, unknown>;
      children?: unknown;
    };
    if (typeof info?.Table === "string" && info.Table.split(".").at(-1) === table) found.push(info);
    if (Array.isArray(children)) children.forEach(visit);
  };
  (Array.isArray(plan) ? plan : [plan]).forEach(visit);
  return found;
}

/** The column names in a scan's projections and filters (a string, or a list of them, in DuckDB's JSON plan). */
function columnsNamedIn(info: Record<string, unknown>): string[] {
  return ["Projections", "Filters"].flatMap((key) => {
    const value = info[key];
    return (Array.isArray(value) ? value : [value]).flatMap(
      (item) => String(item ?? "").match(/[a-z_][a-z0-9_]*/g) ?? [],
    );
  });
}
