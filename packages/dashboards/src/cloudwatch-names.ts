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

export const AWS_METRICS = {
  lambda: {
    namespace: "AWS/Lambda",
    dimension: "FunctionName",
    metrics: ["Invocations", "Errors", "Duration", "Throttles"],
  },
  sqs: { namespace: "AWS/SQS", dimension: "QueueName", metrics: ["ApproximateNumberOfMessagesVisible"] },
} as const;
