/**
 * The CloudWatch names the edge and log-pipeline dashboards and alarms read. Ours (TrackGraph/CloudFront)
 * must be in the log parser's documented list (`METRICS` in @trackgraph/log-parser), which the contract
 * test checks; the AWS ones are AWS's documented metrics of Lambda and SQS.
 */
export const EDGE_NAMESPACE = "TrackGraph/CloudFront";
export const EDGE_DIMENSION = "DistributionId";

export const EDGE_METRICS = [
  "Requests",
  "Requests2xx",
  "Requests3xx",
  "Requests4xx",
  "Requests5xx",
  "BytesDownloaded",
  "BytesUploaded",
  "CacheHits",
  "CacheMisses",
  "TimeTaken",
  "TimeToFirstByte",
  "MalformedLines",
  "TruncatedObjects",
  "LogObjectsProcessed",
] as const;

export type EdgeMetric = (typeof EDGE_METRICS)[number];

/**
 * The backend's log lines counted by a CloudWatch Logs metric filter (the infra app makes it on the
 * backend's log group): one per error line, no dimension, so the filter can publish 0 for other lines.
 */
export const BACKEND_LOG_NAMESPACE = "TrackGraph/Backend";
export const BACKEND_ERROR_LINES_METRIC = "ErrorLogLines";
/** The lines counted: the backend's JSON lines at pino's `error` or `fatal` level label. */
export const BACKEND_ERROR_LINE_PATTERN = '{ ($.level = "error") || ($.level = "fatal") }';

export const AWS_METRICS = {
  lambda: {
    namespace: "AWS/Lambda",
    dimension: "FunctionName",
    metrics: ["Invocations", "Errors", "Duration", "Throttles"],
  },
  sqs: { namespace: "AWS/SQS", dimension: "QueueName", metrics: ["ApproximateNumberOfMessagesVisible"] },
} as const;
