/**
 * Every AWS metric a CloudWatch alarm of ours reads, as AWS documents it: namespace, metric, the
 * dimensions the alarm selects it by, and the page that documents them. The infra app's contract test
 * holds every synthesized alarm to this table (and our own namespace to the log parser's list).
 */
export interface DocumentedMetric {
  namespace: string;
  metric: string;
  /** The dimensions the alarm names, in any order (for Metrics Insights queries: those it filters on). */
  dimensions: readonly string[];
  doc: string;
  note?: string;
}

const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";
const SQS =
  "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html";
const DYNAMODB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html";
const APP_RUNNER = "https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cw.html";
const ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html";
const CONTAINER_INSIGHTS =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html";
const ALB =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html";
const CLOUDFRONT =
  "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html";
const AMP_USAGE = "https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-CW-usage-metrics.html";

const each = (
  namespace: string,
  metrics: string[],
  dimensions: readonly string[],
  doc: string,
  note?: string,
): DocumentedMetric[] =>
  metrics.map((metric) => ({ namespace, metric, dimensions, doc, ...(note === undefined ? {} : { note }) }));

export const DOCUMENTED_AWS_METRICS: readonly DocumentedMetric[] = [
  ...each(
    "AWS/Lambda",
    ["Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"],
    ["FunctionName"],
    LAMBDA,
  ),
  ...each(
    "AWS/SQS",
    ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"],
    ["QueueName"],
    SQS,
  ),
  ...each("AWS/DynamoDB", ["ReadThrottleEvents", "WriteThrottleEvents"], ["TableName"], DYNAMODB),
  ...each("AWS/DynamoDB", ["SystemErrors"], ["TableName", "Operation"], DYNAMODB),
  ...each(
    "AWS/AppRunner",
    ["CPUUtilization", "MemoryUtilization", "ActiveInstances", "Requests", "5xxStatusResponses"],
    ["ServiceName"],
    APP_RUNNER,
    "Read with Metrics Insights, filtered on ServiceName: the service id App Runner adds as a second dimension exists only after the service does.",
  ),
  ...each("AWS/ECS", ["CPUUtilization", "MemoryUtilization"], ["ClusterName", "ServiceName"], ECS),
  ...each(
    "ECS/ContainerInsights",
    ["RunningTaskCount"],
    ["ClusterName", "ServiceName"],
    CONTAINER_INSIGHTS,
    "Container Insights is enabled on the backend's cluster (enhanced).",
  ),
  ...each(
    "AWS/ApplicationELB",
    ["HTTPCode_Target_5XX_Count", "RequestCount"],
    ["LoadBalancer", "TargetGroup"],
    ALB,
  ),
  ...each(
    "AWS/CloudFront",
    ["5xxErrorRate"],
    ["DistributionId", "Region"],
    CLOUDFRONT,
    "In us-east-1, Region=Global.",
  ),
  ...each(
    "AWS/CloudFront",
    ["OriginLatency"],
    ["DistributionId", "Region"],
    CLOUDFRONT,
    "An additional metric: published only with the distribution's monitoring subscription (the stack enables it).",
  ),
  ...each(
    "AWS/Usage",
    ["ResourceCount"],
    ["Service", "Type", "Resource", "Class", "ResourceId"],
    AMP_USAGE,
    "Service=Prometheus, Type=Resource, Class=None, Resource=ActiveSeries or IngestionRate, ResourceId=the workspace id.",
  ),
];

/** The documented entry of a namespace's metric, if any. */
export function documentedMetric(namespace: string, metric: string): DocumentedMetric | undefined {
  return DOCUMENTED_AWS_METRICS.find((m) => m.namespace === namespace && m.metric === metric);
}
