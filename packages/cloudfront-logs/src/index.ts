export type { LineValues, MalformedCode, MalformedLine } from "./accumulator.js";
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
export { type ParseOptions, readRecords, summarizeLog } from "./parse.js";
export { CloudFrontLogRecord } from "./record.js";
export type { LogFormat, LogSummary } from "./summary.js";
