/**
 * What a dashboard needs to know of the stack it watches. Each value becomes a dashboard variable with
 * this default, so the exported JSON works for any stack after editing the variables, and the dashboards
 * stack fills them from the observability stack's outputs.
 */
export interface DashboardContext {
  /** AWS region of the CloudWatch metrics (the edge's metrics are published where the Lambda runs). */
  region: string;
  /** The CloudFront distribution id (the `DistributionId` dimension of TrackGraph/CloudFront). */
  distributionId: string;
  /** The log-parser Lambda's function name. */
  logParserFunction: string;
  /** The name of the log parser's dead-letter queue. */
  deadLetterQueue: string;
  /** Deployment environment (`deployment.environment.name`), shown in titles. */
  environment: string;
}

/** Placeholders for the exported files: visibly not real, each a variable to set after import. */
export const EXAMPLE_CONTEXT: DashboardContext = {
  region: "eu-west-1",
  distributionId: "EXAMPLEDISTID",
  logParserFunction: "trackgraph-prod-log-parser",
  deadLetterQueue: "trackgraph-prod-log-parser-dlq",
  environment: "prod",
};
