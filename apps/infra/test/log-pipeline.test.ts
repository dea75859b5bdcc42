import { describe, expect, it } from "vitest";
import { policyDocuments, refAt, resourceAt, synthStack } from "./synth.js";

const { json } = synthStack({ logPipeline: { prefix: "edge-logs/", reservedConcurrency: 3 } });
const fn = resourceAt(json, "aws_lambda_function", "log-pipeline/function");

describe("log pipeline", () => {
  it("deploys the zip as a hash-addressed asset, so an unchanged bundle gives no diff", () => {
    expect(fn.filename).toMatch(/^assets\/log-pipeline_code_[0-9A-F]{8}\/[0-9A-F]{32}\/log-parser\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    expect(fn).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", architectures: ["arm64"] });
  });

  it("runs with reserved concurrency, active tracing, JSON logs in its own log group, and the table in its environment", () => {
    expect(fn).toMatchObject({
      memory_size: 256,
      timeout: 300,
      reserved_concurrent_executions: 3,
      tracing_config: { mode: "Active" },
      logging_config: {
        log_format: "JSON",
        log_group: refAt(json, "aws_cloudwatch_log_group", "log-pipeline/log-group", "name"),
      },
      environment: {
        variables: {
          IDEMPOTENCY_TABLE: refAt(json, "aws_dynamodb_table", "log-pipeline/idempotency", "name"),
          LOG_PREFIX: "edge-logs/",
          IDEMPOTENCY_TTL_SECONDS: "604800",
          DEAD_LETTER_QUEUE_URL: refAt(json, "aws_sqs_queue", "log-pipeline/dead-letter-queue", "url"),
        },
      },
    });
    expect(resourceAt(json, "aws_cloudwatch_log_group", "log-pipeline/log-group")).toMatchObject({
      name: "/aws/lambda/trackgraph-test-log-parser",
      retention_in_days: 365,
    });
  });

  it("is triggered by new objects under the log prefix only", () => {
    expect(resourceAt(json, "aws_s3_bucket_notification", "log-pipeline/notification")).toMatchObject({
      bucket: refAt(json, "aws_s3_bucket", "storage/logs/bucket", "id"),
      lambda_function: [{ events: ["s3:ObjectCreated:*"], filter_prefix: "edge-logs/" }],
    });
    expect(resourceAt(json, "aws_lambda_permission", "log-pipeline/s3-invokes")).toMatchObject({
      principal: "s3.amazonaws.com",
      source_arn: refAt(json, "aws_s3_bucket", "storage/logs/bucket", "arn"),
    });
  });

  it("sends events that still fail after the retries to an encrypted SQS queue", () => {
    expect(resourceAt(json, "aws_lambda_function_event_invoke_config", "log-pipeline/async")).toMatchObject({
      maximum_retry_attempts: 2,
      destination_config: {
        on_failure: { destination: refAt(json, "aws_sqs_queue", "log-pipeline/dead-letter-queue", "arn") },
      },
    });
    expect(resourceAt(json, "aws_sqs_queue", "log-pipeline/dead-letter-queue")).toMatchObject({
      message_retention_seconds: 1209600,
      kms_master_key_id: refAt(json, "aws_kms_key", "key/key", "arn"),
    });
  });

  it("keeps idempotency records in an encrypted table with TTL and point-in-time recovery", () => {
    expect(resourceAt(json, "aws_dynamodb_table", "log-pipeline/idempotency")).toMatchObject({
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "id",
      ttl: { attribute_name: "expiration", enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: refAt(json, "aws_kms_key", "key/key", "arn") },
      deletion_protection_enabled: true,
    });
  });

  it("gives its role exactly what it uses", () => {
    const doc = Object.entries(policyDocuments(json)).find(([id]) =>
      id.startsWith("log-pipeline_permissions"),
    )?.[1];
    const logs = refAt(json, "aws_s3_bucket", "storage/logs/bucket", "arn");
    expect(doc?.statement.map((s) => [s.sid, s.actions, s.resources, s.condition ?? []])).toEqual([
      ["ReadAccessLogs", ["s3:GetObject", "s3:GetObjectVersion"], [`${logs}/edge-logs/*`], []],
      [
        "ListAccessLogs",
        ["s3:ListBucket"],
        [logs],
        [{ test: "StringLike", variable: "s3:prefix", values: ["edge-logs/*"] }],
      ],
      [
        "PublishCloudFrontMetrics",
        ["cloudwatch:PutMetricData"],
        ["*"],
        [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["TrackGraph/CloudFront"] }],
      ],
      [
        "IdempotencyRecords",
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        [refAt(json, "aws_dynamodb_table", "log-pipeline/idempotency", "arn")],
        [],
      ],
      [
        "SendFailures",
        ["sqs:SendMessage"],
        [refAt(json, "aws_sqs_queue", "log-pipeline/dead-letter-queue", "arn")],
        [],
      ],
      [
        "UseDataKey",
        ["kms:Decrypt", "kms:GenerateDataKey"],
        [refAt(json, "aws_kms_key", "key/key", "arn")],
        [],
      ],
      [
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [`${refAt(json, "aws_cloudwatch_log_group", "log-pipeline/log-group", "arn")}:*`],
        [],
      ],
      ["WriteTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"], []],
    ]);
  });

  it("lets the function list the logs bucket only under the log prefix, so a deleted log answers 404, not 403", () => {
    const doc = Object.entries(policyDocuments(json)).find(([id]) =>
      id.startsWith("log-pipeline_permissions"),
    )?.[1];
    const listing = doc?.statement.filter((s) => s.actions.some((a) => a.startsWith("s3:List")));
    expect(listing).toEqual([
      expect.objectContaining({
        sid: "ListAccessLogs",
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: [refAt(json, "aws_s3_bucket", "storage/logs/bucket", "arn")],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["edge-logs/*"] }],
      }),
    ]);
    // No other statement grants listing, on this bucket or any other.
    const everything = Object.values(policyDocuments(json)).flatMap((d) => d.statement);
    const listers = everything.filter(
      (s) =>
        s.effect === "Allow" &&
        s.actions.some((a) => a === "s3:ListBucket" || a === "s3:*" || a === "*") &&
        (s.resources ?? []).includes(refAt(json, "aws_s3_bucket", "storage/logs/bucket", "arn")),
    );
    // Grafana's Athena grant lists it too, under the same prefix only.
    expect(listers.map((s) => s.sid)).toEqual(["ListAccessLogs", "ListAthenaLogs"]);
    for (const s of listers)
      expect(s.condition, s.sid).toEqual([
        { test: "StringLike", variable: "s3:prefix", values: ["edge-logs/*"] },
      ]);
  });

  it("exposes what other services need as outputs", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "alerts_page_topic_arn",
      "alerts_topic_arn",
      "amp_query_url",
      "amp_remote_write_url",
      "backend_url",
      "collector_endpoint",
      "distribution_id",
      "grafana_service_account_id",
      "grafana_url",
      "grafana_workspace_id",
      "log_parser_dead_letter_queue",
      "log_parser_function",
      "logs_bucket",
      "site_bucket",
      "site_url",
      "spotify_data_bucket",
    ]);
  });
});
