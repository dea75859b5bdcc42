import type { QueryResult } from "./duckdb.js";

export type OutputFormat = "table" | "json" | "csv";

type Cell = string | number | boolean | null;

function text(value: Cell): string {
  return value === null ? "NULL" : String(value);
}

/** An aligned text table: numbers right-aligned, a header, a rule, and a row count. */
export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => row.map(text));
  const widths = result.columns.map((name, i) =>
    Math.max(name.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const numeric = result.columns.map(
    (_, i) => result.rows.length > 0 && result.rows.every((r) => typeof r[i] !== "string"),
  );
  const line = (values: string[], header: boolean) =>
    values
      .map((v, i) => (numeric[i] && !header ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [line(result.columns, true), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of cells) out.push(line(row, false));
  out.push(`(${result.rows.length} ${result.rows.length === 1 ? "row" : "rows"})`);
  return out.join("\n");
}

/** One JSON object per row, keyed by column name. */
export function formatJsonLines(result: QueryResult): string {
  return result.rows
    .map((row) => JSON.stringify(Object.fromEntries(result.columns.map((name, i) => [name, row[i] ?? null]))))
    .join("\n");
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV with a header row; NULL is an empty field. */
export function formatCsv(result: QueryResult): string {
  const rows = [result.columns.map(csvField).join(",")];
  for (const row of result.rows) rows.push(row.map((v) => (v === null ? "" : csvField(String(v)))).join(","));
  return rows.join("\r\n");
}

export function formatResult(result: QueryResult, format: OutputFormat): string {
  if (format === "json") return formatJsonLines(result);
  if (format === "csv") return formatCsv(result);
  return formatTable(result);
}
