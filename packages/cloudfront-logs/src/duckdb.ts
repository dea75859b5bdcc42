// The DuckDB side of the package, a separate entry (`@trackgraph/cloudfront-logs/duckdb`) so that the main
// entry never imports the native DuckDB bindings: the log-parser Lambda bundles the main entry whole.
export {
  appendLogRows,
  columnsToLoad,
  createTableSql,
  LogDatabase,
  type LogDatabaseOptions,
  type QueryResult,
  referencedColumns,
} from "./query/duckdb.js";
export { formatCsv, formatJsonLines, formatResult, formatTable, type OutputFormat } from "./query/output.js";
