import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import { checkovSkips } from "../blocks/checkov.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { Naming } from "../blocks/naming.js";
import { policyDocument } from "../blocks/policy-statements.js";
import type { SecureBucket } from "../blocks/secure-bucket.js";

/** The namespace the function publishes to; its PutMetricData permission is limited to it. */
export const LOG_METRICS_NAMESPACE = "TrackGraph/CloudFront";

export interface LogPipelineProps {
  /** Names its resources (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** The bucket CloudFront delivers access logs to; the function reads them under {@link prefix}. */
  readonly logs: SecureBucket;
  /** Encrypts what the construct stores (the stack's CMK). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** The deterministic zip built by apps/log-parser. */
  readonly zipPath: string;
  /** The key prefix of the access logs (`cloudfront/`): the notification filter and the read grant. */
  readonly prefix: string;
  /** The function's memory, MB. */
  readonly memoryMb: number;
  /** The function's timeout, seconds. */
  readonly timeoutSeconds: number;
  /**
   * Reserved concurrency of the function.
   * @default none (AWS requires 100 of the account's concurrency to stay unreserved)
   */
  readonly reservedConcurrency?: number | undefined;
  /** Retries of a failed asynchronous invocation before the event goes to the failure queue. */
  readonly maxRetryAttempts: number;
  /** Days the function's log group keeps events. */
  readonly functionLogRetentionDays: number;
  /** Days an idempotency record lives. */
  readonly idempotencyTtlDays: number;
  /**
   * The idempotency table may be deleted (no deletion protection).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/**
 * The log-parser Lambda and what it needs: its code as a hash-addressed asset (an unchanged bundle gives
 * no diff), a least-privilege role, the idempotency table, the S3 notification on the log prefix, an SQS
 * on-failure destination, a log group with retention, reserved concurrency and active tracing.
 */
export class LogPipeline extends Construct {
  readonly function: LambdaFunction;
  readonly table: DynamodbTable;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: LogPipelineProps) {
    super(scope, id);
    const { naming, key, aws } = props;
    const settings = props;
    const functionName = naming.name("log-parser");

    this.table = new DynamodbTable(this, "idempotency", {
      name: naming.name("log-parser-idempotency"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attribute: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiration", enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: key.keyArn },
      deletionProtectionEnabled: !(props.disposable ?? false),
    });

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: naming.name("log-parser-failures"),
      messageRetentionSeconds: 14 * 24 * 3600,
      kmsMasterKeyId: key.keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: settings.functionLogRetentionDays,
      kmsKeyId: key.keyArn,
    });
    this.admitLogsService(key, aws);
    this.role = this.functionRole(props, functionName);
    this.function = this.lambda(props, functionName, this.role);
    this.invokeOnNewLogs(props);
  }

  /** CloudWatch Logs may use the key for the stack's log groups (this one's is encrypted with it). */
  private admitLogsService(key: EncryptionKey, aws: AwsScope): void {
    key.addToResourcePolicy({
      sid: "CloudWatchLogsEncryptsLogGroups",
      principals: [{ type: "Service", identifiers: [`logs.${aws.region}.amazonaws.com`] }],
      actions: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
      ],
      conditions: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [`arn:${aws.partition}:logs:${aws.region}:${aws.accountId}:log-group:*`],
        },
      ],
    });
  }

  /** The function's role: exactly what it reads, writes and publishes. */
  private functionRole(props: LogPipelineProps, functionName: string): IamRole {
    const { logs, key } = props;
    const settings = props;
    const trust = policyDocument(this, "trust", [
      {
        sid: "LambdaAssumes",
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
      },
    ]);
    const role = new IamRole(this, "role", { name: functionName, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "permissions", [
      {
        sid: "ReadAccessLogs",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [logs.arnForObjects(settings.prefix)],
      },
      {
        // Without it S3 answers a deleted log with 403 AccessDenied, not 404 NoSuchKey, and the function
        // cannot tell a deleted object (skipped) from a denied one (an error). For that answer S3 checks
        // ListBucket with s3:prefix set to the requested key, so the condition keeps it to the log prefix.
        sid: "ListAccessLogs",
        actions: ["s3:ListBucket"],
        resources: [logs.bucketArn],
        conditions: [{ test: "StringLike", variable: "s3:prefix", values: [`${settings.prefix}*`] }],
      },
      {
        // PutMetricData has no resource-level permissions: "*" is required; the namespace condition limits it.
        sid: "PublishCloudFrontMetrics",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        conditions: [
          { test: "StringEquals", variable: "cloudwatch:namespace", values: [LOG_METRICS_NAMESPACE] },
        ],
      },
      {
        sid: "IdempotencyRecords",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        resources: [this.table.arn],
      },
      { sid: "SendFailures", actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [key.keyArn] },
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
      {
        // X-Ray's trace APIs have no resource-level permissions: "*" is required.
        sid: "WriteTraces",
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"],
      },
    ]);
    new IamRolePolicy(this, "role-policy", {
      name: "log-parser",
      role: role.id,
      policy: permissions.json,
    });

    return role;
  }

  /** The function from its hash-addressed zip, traced, logging JSON to its own log group. */
  private lambda(props: LogPipelineProps, functionName: string, role: IamRole): LambdaFunction {
    const { key } = props;
    const settings = props;
    const code = new TerraformAsset(this, "code", { path: props.zipPath, type: AssetType.FILE });
    const fn = new LambdaFunction(this, "function", {
      functionName,
      description: "CloudFront access logs in S3 to TrackGraph/CloudFront metrics",
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: settings.memoryMb,
      timeout: settings.timeoutSeconds,
      ...(settings.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      tracingConfig: { mode: "Active" },
      kmsKeyArn: key.keyArn,
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      environment: {
        variables: {
          IDEMPOTENCY_TABLE: this.table.name,
          LOG_PREFIX: settings.prefix,
          IDEMPOTENCY_TTL_SECONDS: String(settings.idempotencyTtlDays * 24 * 3600),
          // Events that can never succeed are written here at once instead of being retried first.
          DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.url,
          POWERTOOLS_SERVICE_NAME: "log-parser",
          POWERTOOLS_LOG_LEVEL: "INFO",
        },
      },
      dependsOn: [this.logGroup],
    });
    checkovSkips(fn, [
      "CKV_AWS_116: failed async events go to an SQS on-failure destination (aws_lambda_function_event_invoke_config), which replaces a DLQ and carries the error.",
      "CKV_AWS_117: the function reaches only S3, DynamoDB, CloudWatch and X-Ray public endpoints; a VPC would add NAT cost and no isolation.",
      "CKV_AWS_272: no code signing: the zip is built from the locked sources by whoever deploys (a person or the deploy workflow) and pinned by its SHA-256 (source_code_hash); signing would need a signing profile and a signer the deploy trusts, which this stack does not set up.",
      ...(settings.reservedConcurrency === undefined
        ? [
            "CKV_AWS_115: no reservation by default: AWS requires 100 of the account's concurrency to stay unreserved, which new accounts (quota 10) cannot give; logPipeline.reservedConcurrency sets one where the quota allows.",
          ]
        : []),
    ]);

    return fn;
  }

  /** New objects under the prefix invoke the function; failures go to the queue after the retries. */
  private invokeOnNewLogs(props: LogPipelineProps): void {
    const { logs, aws } = props;
    const settings = props;
    new LambdaFunctionEventInvokeConfig(this, "async", {
      functionName: this.function.functionName,
      maximumRetryAttempts: settings.maxRetryAttempts,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    const permission = new LambdaPermission(this, "s3-invokes", {
      statementId: "AllowLogsBucket",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "s3.amazonaws.com",
      sourceArn: logs.bucketArn,
      sourceAccount: aws.accountId,
    });
    new S3BucketNotification(this, "notification", {
      bucket: logs.bucket.id,
      lambdaFunction: [
        {
          lambdaFunctionArn: this.function.arn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: settings.prefix,
        },
      ],
      dependsOn: [permission],
    });
  }
}
