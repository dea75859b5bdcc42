export type { LineValues } from "./accumulator.js";
export {
  formatMinute,
  LogAggregate,
  MinuteBucket,
  type MinuteBucketJSON,
  STATUS_CLASSES,
  type StatusClass,
} from "./aggregate.js";
export { type CliSummary, toCliSummary } from "./cli-summary.js";
export { type DistributionJSON, ValueDistribution } from "./distribution.js";
export { distributionIdFromKey } from "./distribution-id.js";
export { CloudFrontLogError, TruncatedLogError, UnsupportedFormatError } from "./errors.js";
export { decodeField, LEGACY_FIELDS, URL_ENCODED_FIELDS } from "./fields.js";
export type { LogInput } from "./input.js";
export { DEFAULT_MAX_LINE_BYTES } from "./line-splitter.js";
export {
  MALFORMED_CODE_LIST,
  MALFORMED_CODES,
  type MalformedCode,
  type MalformedLine,
  type Rejection,
} from "./malformed.js";
export { type ParseOptions, readRecords, summarizeLog } from "./parse.js";
export {
  CLOUDFRONT_LOG_COLUMNS,
  CLOUDFRONT_LOG_PARTITION_KEYS,
  CLOUDFRONT_LOGS_TABLE,
  type ColumnKind,
  columnName,
  type LogColumn,
  type LogPartitionKey,
  V2_JSON_FIELDS,
} from "./query/columns.js";
export { TRINO_COMPATIBILITY_MACROS } from "./query/dialect.js";
export {
  listNamedQueries,
  type NamedQuery,
  NamedQueryError,
  namedQueriesDir,
  namedQuery,
  parseNamedQuery,
  type QueryParameter,
  type RenderTarget,
  renderQuery,
} from "./query/named-queries.js";
export {
  LOG_ROW_COLUMNS,
  type LogRow,
  type LogRowBatchOptions,
  type LogValue,
  logRowBatches,
  toLogRow,
} from "./query/rows.js";
export { CloudFrontLogRecord } from "./record.js";
export type { LogFormat, LogSummary } from "./summary.js";
