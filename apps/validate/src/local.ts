import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import {
  backendLogLines,
  type LocalPlane,
  type LocalPlaneOptions,
  startLocalPlane,
} from "@trackgraph/local-plane";
import { AlertInbox, type PlaneAlertingChoice, planeAlerting } from "./alerting.js";
import { deployedLambdaEnvironment } from "./deployed-config.js";
import type { ValidationTarget } from "./target.js";

export interface LocalTargetOptions {
  /** The stack whose configuration the Lambda runs with (its synthesized environment). */
  stack?: string;
  /** The Lambda bundle to run; default: the one the log-parser build packages into its zip. */
  lambdaBundle?: string;
  /** Backend environment over the plane's (the break tests set a wrong exporter endpoint). */
  backendEnv?: Record<string, string>;
  timeoutSeconds?: number;
  log?: LocalPlaneOptions["log"];
  /** The plane's alerting (default: the deployed rules and Alertmanager definition, with fast timings). */
  alerting?: PlaneAlertingChoice;
}

export interface LocalTarget extends ValidationTarget {
  plane: LocalPlane;
  stop(): Promise<void>;
}

const LOGS_BUCKET = "trackgraph-local-logs";
const TABLE = "trackgraph-local-idempotency";

/** The deployed Lambda bundle (`dist/lambda/index.mjs`, the file the zip holds). */
export function defaultLambdaBundle(): string {
  return fileURLToPath(import.meta.resolve("@trackgraph/log-parser/lambda"));
}

/**
 * The local plane, plus the log pipeline on moto: the logs bucket notifying an SQS queue (S3's own event,
 * as Lambda would receive it), the idempotency table, and the Lambda bundle run in a process of its own
 * with the environment the stack deploys, pointed at moto.
 */
export async function startLocalTarget(options: LocalTargetOptions = {}): Promise<LocalTarget> {
  const stack = options.stack ?? "dev";
  const lambdaEnv = await deployedLambdaEnvironment(stack);
  const plane = await startLocalPlane({
    scrapeInterval: "2s",
    alerting: planeAlerting(options.alerting ?? { timings: "fast" }),
    ...(options.backendEnv === undefined ? {} : { backendEnv: options.backendEnv }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  try {
    const config = plane.moto.clientConfig;
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const sqs = new SQSClient(config);
    const prefix = lambdaEnv.LOG_PREFIX ?? "cloudfront/";
    await s3.send(new CreateBucketCommand({ Bucket: LOGS_BUCKET }));
    await new DynamoDBClient(config).send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      }),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "trackgraph-local-log-events" }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    // The stack notifies the Lambda on exactly the log prefix; moto cannot run a Node Lambda, so S3's event
    // goes to a queue and is handed to the bundle from there, unchanged.
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: LOGS_BUCKET,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              QueueArn: Attributes?.QueueArn,
              Events: ["s3:ObjectCreated:*"],
              Filter: { Key: { FilterRules: [{ Name: "prefix", Value: prefix }] } },
            },
          ],
        },
      }),
    );
    const bundle = options.lambdaBundle ?? defaultLambdaBundle();
    const functionEnv = {
      PATH: process.env.PATH ?? "",
      ...lambdaEnv,
      IDEMPOTENCY_TABLE: TABLE,
      AWS_REGION: config.region,
      AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: plane.moto.endpoint,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_LAMBDA_FUNCTION_NAME: "log-parser",
    };
    const deliver = async (key: string) => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of Messages ?? []) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
          const body = message.Body ?? "";
          if (!notifiesKey(body, key)) continue;
          await runBundle(bundle, body, functionEnv);
          return;
        }
      }
      throw new Error(`S3 sent no notification for ${key} within 30 s`);
    };
    const stop = () => plane.stop();
    return {
      label: `local plane (Lambda with stack "${stack}"'s environment)`,
      plane,
      backendUrl: plane.urls.backend,
      xray: plane.xray,
      prometheusUrl: plane.urls.prometheus,
      logs: { s3, bucket: LOGS_BUCKET, prefix, deliver },
      cloudwatch: new CloudWatchClient(config),
      backendSpanStats: () => spanStats(plane),
      backendLogs: () => backendLogLines(plane),
      backendExporter: options.backendEnv?.OTEL_EXPORTER_OTLP_ENDPOINT ?? plane.urls.otlp,
      timeoutSeconds: options.timeoutSeconds ?? 40,
      ...(plane.alerting
        ? {
            alerts: {
              inbox: new AlertInbox(plane.alerting),
              faults: plane.faults,
              alertmanager: plane.alerting.alertmanager,
            },
          }
        : {}),
      stop,
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

function runBundle(bundle: string, event: string, env: Record<string, string>): Promise<void> {
  // The built runner, whether this module runs from dist/ or (in tests) from src/.
  const runner = fileURLToPath(new URL("../dist/lambda-runner.js", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [runner, bundle],
      { env, timeout: 120_000 },
      (error, _out, stderr) =>
        error === null ? resolve() : reject(new Error(`the Lambda failed: ${lambdaError(stderr)}`)),
    );
    child.stdin?.end(event);
  });
}

/** The backend's span accounting, read from its own /metrics (what the scraper reads). */
async function spanStats(plane: LocalPlane): Promise<{ failed: number; dropped: number }> {
  const response = await fetch(`${plane.urls.backend}/metrics`, {
    headers: { authorization: `Bearer ${plane.tokens.metrics}` },
  });
  const text = await response.text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1] ?? 0);
  return {
    failed: value("trackgraph_otel_spans_export_failed_total"),
    dropped: value("trackgraph_otel_spans_dropped_total"),
  };
}

/** Whether an S3 event names `key` (S3 URL-encodes keys in events, with "+" for spaces). */
function notifiesKey(body: string, key: string): boolean {
  const event = JSON.parse(body) as { Records?: Array<{ s3?: { object?: { key?: string } } }> };
  return (event.Records ?? []).some(
    (r) => decodeURIComponent((r.s3?.object?.key ?? "").replaceAll("+", " ")) === key,
  );
}

/** The error line of a failed run: Node prints the stack, then its version; the message is what matters. */
function lambdaError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim());
  return (
    lines.find((l) => /^([A-Za-z]*Error\b|Error:)/.test(l)) ?? lines.filter((l) => l !== "").at(-1) ?? ""
  );
}
