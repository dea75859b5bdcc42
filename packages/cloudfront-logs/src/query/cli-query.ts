import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { parseOrUsage, QUERY_USAGE, UsageError, wholeNumber } from "../cli-args.js";
import { assertReadableFile, CliError } from "../cli-error.js";
import { parseLogFile } from "../cli-file.js";
import type { LogSummary } from "../summary.js";
import { columnsToLoad, LogDatabase } from "./duckdb.js";
import { NamedQueryError, parseNamedQuery, renderQuery } from "./named-queries.js";
import { formatResult, type OutputFormat } from "./output.js";

export { QUERY_USAGE };

interface QueryArgs {
  sql: string;
  format: OutputFormat;
  params: Record<string, string>;
  distributionId: string | undefined;
  maxLineBytes: number | undefined;
  memoryLimit: string | undefined;
  files: string[];
}

function paramsOf(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new CliError(`--param ${pair}: expected NAME=VALUE`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}

/** The query's command line, or `"help"` for `--help`. */
function parseQueryArgs(argv: string[]): QueryArgs | "help" {
  const { values, positionals } = parseOrUsage(argv, QUERY_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sql: { type: "string" },
        json: { type: "boolean", default: false },
        csv: { type: "boolean", default: false },
        param: { type: "string", multiple: true, default: [] },
        "distribution-id": { type: "string" },
        "max-line-bytes": { type: "string" },
        "memory-limit": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }),
  );
  if (values.help) return "help";
  if (values.sql === undefined) throw new UsageError("query needs --sql FILE_OR_TEXT", QUERY_USAGE);
  if (positionals.length === 0) throw new UsageError("query needs at least one FILE", QUERY_USAGE);
  if (values.json && values.csv) throw new CliError("--json and --csv: choose one output format");
  const memoryLimit = values["memory-limit"];
  if (memoryLimit !== undefined && !/^\d+(?:\.\d+)?\s*[KMGT]i?B$/i.test(memoryLimit))
    throw new CliError(`--memory-limit ${memoryLimit}: expected a size such as 512MB or 2GB`);
  return {
    sql: values.sql,
    format: values.json ? "json" : values.csv ? "csv" : "table",
    params: paramsOf(values.param),
    distributionId: values["distribution-id"],
    maxLineBytes: wholeNumber("--max-line-bytes", values["max-line-bytes"]),
    memoryLimit,
    files: positionals,
  };
}

/** `--sql` names a file when one exists at that path; a lone word ending in `.sql` must be one. */
function sqlText(fileOrText: string): { text: string; name: string } {
  if (existsSync(fileOrText) && statSync(fileOrText).isFile())
    return { text: readFileSync(fileOrText, "utf8"), name: basename(fileOrText, ".sql") };
  if (/^\S+\.sql$/i.test(fileOrText)) throw new CliError(`--sql ${fileOrText}: no such file`);
  return { text: fileOrText, name: "query" };
}

function renderedSql(args: QueryArgs): string {
  const { text, name } = sqlText(args.sql);
  try {
    return renderQuery(parseNamedQuery(text, name), "literal", args.params);
  } catch (error) {
    if (error instanceof NamedQueryError) throw new CliError(error.message);
    throw error;
  }
}

/** The first line of a DuckDB error, which names the problem ("Binder Error: ... column "x" not found"). */
function sqlError(error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`SQL: ${message.split("\n")[0]}`);
}

/** A progress line on stderr, only on a terminal, at most four times a second. */
function progressReporter(): { update: (text: string) => void; done: () => void } {
  if (process.stderr.isTTY !== true) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update: (text) => {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${text}`);
    },
    done: () => process.stderr.write("\r\x1b[2K"),
  };
}

async function loadFile(
  db: LogDatabase,
  path: string,
  args: QueryArgs,
  columns: ReadonlySet<string> | undefined,
  onRows: (rows: number) => void,
): Promise<LogSummary> {
  return parseLogFile(path, args, (input, options) =>
    db.load(input, { ...options, ...(columns === undefined ? {} : { columns }) }, onRows),
  );
}

/**
 * `cf-logs query`: loads the files through the parser into a DuckDB table shaped like the Athena table,
 * runs the SQL and prints the result. Everything that can fail is checked before anything is printed.
 */
export async function runQueryCommand(argv: string[]): Promise<void> {
  const args = parseQueryArgs(argv);
  if (args === "help") {
    process.stdout.write(`${QUERY_USAGE}\n`);
    return;
  }
  const sql = renderedSql(args);
  for (const file of args.files) await assertReadableFile(file);
  const db = await LogDatabase.open(args.memoryLimit === undefined ? {} : { memoryLimit: args.memoryLimit });
  const progress = progressReporter();
  try {
    await db.check(sql).catch((error: unknown) => {
      throw sqlError(error);
    });
    const columns = await columnsToLoad(db, sql);
    if (columns !== undefined) await db.narrowTo(columns);
    let loaded = 0;
    for (const [index, file] of args.files.entries()) {
      const summary = await loadFile(db, file, args, columns, (rows) =>
        progress.update(
          `cf-logs: ${(loaded + rows).toLocaleString("en-US")} records (file ${index + 1} of ${args.files.length})`,
        ),
      );
      loaded += summary.records;
    }
    const result = await db.query(sql).catch((error: unknown) => {
      throw sqlError(error);
    });
    progress.done();
    process.stdout.write(`${formatResult(result, args.format)}\n`);
  } finally {
    progress.done();
    db.close();
  }
}
