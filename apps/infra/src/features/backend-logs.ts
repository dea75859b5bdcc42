import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import type { IGrantable } from "../blocks/grants.js";

export interface BackendLogsProps {
  /** The name of the metric filter. */
  readonly name: string;
  /** The log group the backend's stdout goes to (its JSON lines). */
  readonly logGroupName: string;
  /** The filter pattern of an error line (`{ $.level = "error" }`). */
  readonly errorLinePattern: string;
  /** Namespace of the error-line metric (ours: `TrackGraph/...`). */
  readonly metricNamespace: string;
  /** The metric's name; it has no dimension, so the filter publishes 0 for every other line. */
  readonly metricName: string;
  /** The account and region of the log group's ARN. */
  readonly aws: AwsScope;
}

/**
 * What is done with the backend's log lines: a metric filter counting its error lines into a
 * dimension-free metric (which an alarm watches), and Grafana's read access to the group (its Logs
 * Insights panels and X-Ray's trace-to-logs link). Grants: {@link grantQueryLogs}.
 */
export class BackendLogs extends Construct {
  /** The error-line metric filter. */
  readonly errorLines: CloudwatchLogMetricFilter;
  /** The log group's name. */
  readonly logGroupName: string;
  private readonly aws: AwsScope;

  constructor(scope: Construct, id: string, props: BackendLogsProps) {
    super(scope, id);
    this.aws = props.aws;
    this.logGroupName = props.logGroupName;
    this.errorLines = new CloudwatchLogMetricFilter(this, "error-lines", {
      name: props.name,
      logGroupName: props.logGroupName,
      pattern: props.errorLinePattern,
      metricTransformation: {
        name: props.metricName,
        namespace: props.metricNamespace,
        value: "1",
        // 0 for each other line: a quiet minute of traffic is 0 errors, not missing data.
        defaultValue: "0",
        unit: "Count",
      },
    });
  }

  /** The log group's ARN (`...:log-group:<name>`). */
  get logGroupArn(): string {
    return this.aws.arn("logs", `log-group:${this.logGroupName}`);
  }

  /**
   * Lets `grantee` run Logs Insights queries on this group, fetch their results and read its events
   * (`<sidPrefix>QueryLogs`), and stop its queries (`<sidPrefix>StopLogQueries`: StopQuery has no
   * resource-level permissions; a query id is only known to whoever started it).
   */
  grantQueryLogs(grantee: IGrantable, sidPrefix: string): void {
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}QueryLogs`,
      actions: [
        "logs:StartQuery",
        "logs:GetQueryResults",
        "logs:FilterLogEvents",
        "logs:GetLogEvents",
        "logs:DescribeLogStreams",
      ],
      resources: [this.logGroupArn, `${this.logGroupArn}:*`],
    });
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}StopLogQueries`,
      actions: ["logs:StopQuery"],
      resources: ["*"],
    });
  }
}
