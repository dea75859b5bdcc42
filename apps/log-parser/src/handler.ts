import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MetricsPublisher } from "@trackgraph/metrics-publisher";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { AmbiguousSends } from "./ambiguous-sends.js";
import { type LogParserConfig, loadConfig, skipReason } from "./config.js";
import { NAMESPACE } from "./metrics.js";
import { type ObjectRef, objectRefsFromEvent } from "./object-refs.js";
import { type ObjectResult, processObject } from "./process-object.js";
import { ProgressStore } from "./progress-store.js";
import { DeadLetters, permanentErrorCode, type Rejection } from "./rejections.js";

/** What identifies an object for idempotency: its bucket, key and version, nothing that varies per delivery. */
interface IdempotencyPayload {
  bucket: string;
  key: string;
  version: string | null;
}

export interface HandlerResult {
  processed: ObjectResult[];
  skipped: Array<{ key: string; reason: string }>;
  /** Events or objects that can never succeed: logged, dead-lettered, and not retried. */
  rejected: Rejection[];
}

const emptyResult = (): HandlerResult => ({ processed: [], skipped: [], rejected: [] });

/** Builds the handler around its clients; the Lambda entry below uses the environment's. */
export function createHandler(config: LogParserConfig, logger = new Logger({ serviceName: "log-parser" })) {
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const cloudwatch = new CloudWatchClient({ retryMode: "adaptive", maxAttempts: 5 });
  const ambiguous = new AmbiguousSends();
  ambiguous.attach(cloudwatch);
  const publisher = new MetricsPublisher({
    namespace: NAMESPACE,
    client: cloudwatch,
    concurrency: config.publishConcurrency,
  });
  const progress = new ProgressStore(dynamo, config.idempotencyTable, config.idempotencyTtlSeconds);
  const deadLetters = new DeadLetters(
    config.deadLetterQueueUrl === undefined ? undefined : new SQSClient({}),
    config.deadLetterQueueUrl,
  );
  const idempotency = new IdempotencyConfig({ expiresAfterSeconds: config.idempotencyTtlSeconds });
  const refs = new Map<string, ObjectRef>();

  // Powertools keeps one record per payload: COMPLETED records make duplicate deliveries return the
  // stored result; an INPROGRESS record of a crashed attempt expires with that attempt's Lambda timeout.
  const processOnce = makeIdempotent(
    async (payload: IdempotencyPayload): Promise<ObjectResult> => {
      const ref = refs.get(`${payload.bucket}/${payload.key}#${payload.version}`);
      if (ref === undefined) throw new Error(`no object reference for ${payload.bucket}/${payload.key}`);
      return processObject(ref, {
        s3,
        publisher,
        progress,
        logger,
        ambiguous,
        maxLineBytes: config.maxLineBytes,
      });
    },
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.idempotencyTable,
        awsSdkV3Client: dynamo,
      }),
      config: idempotency,
    },
  );

  async function handleRef(ref: ObjectRef, result: HandlerResult): Promise<void> {
    const reason = skipReason(ref.key, config.logPrefix);
    if (reason !== undefined) {
      logger.info("skipping object that is not an access log", { bucket: ref.bucket, key: ref.key, reason });
      result.skipped.push({ key: ref.key, reason });
      return;
    }
    const version = ref.versionId ?? ref.eTag ?? null;
    const refKey = `${ref.bucket}/${ref.key}#${version}`;
    refs.set(refKey, ref);
    try {
      result.processed.push(await processOnce({ bucket: ref.bucket, key: ref.key, version }));
    } finally {
      // A warm function handles many objects: keep only the ones in flight.
      refs.delete(refKey);
    }
  }

  /**
   * Reads the event and processes its objects. An error no retry can fix (see permanentErrorCode) is
   * logged, written to the dead-letter queue with `payload`, and returned, not thrown: for an async
   * invocation, not throwing is what stops Lambda retrying it. Any other error is thrown, to be retried.
   */
  async function handleEvent(event: unknown, payload: unknown, context: Context, result: HandlerResult) {
    try {
      for (const ref of objectRefsFromEvent(event)) await handleRef(ref, result);
    } catch (error) {
      const code = permanentErrorCode(error);
      if (code === undefined) throw error;
      const deadLettered = await deadLetters.send(payload, error as Error, code, context);
      logger.error("event rejected without retry: it can never succeed", {
        code,
        error: error as Error,
        deadLettered,
      });
      result.rejected.push({ code, error: (error as Error).message, deadLettered });
    }
  }

  return async function handler(event: unknown, context: Context): Promise<HandlerResult | SQSBatchResponse> {
    idempotency.registerLambdaContext(context);
    logger.addContext(context);
    const records =
      typeof event === "object" && event !== null
        ? (event as { Records?: Array<{ eventSource?: string; messageId?: string }> }).Records
        : undefined;
    if (Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === "aws:sqs")) {
      // SQS: report failed messages only, so the others are not redelivered. A message that can never
      // succeed is dead-lettered and reported as done, so SQS does not redeliver it either.
      const failures: SQSBatchResponse["batchItemFailures"] = [];
      for (const record of records) {
        try {
          await handleEvent({ Records: [record] }, record, context, emptyResult());
        } catch (error) {
          logger.error("message failed; SQS will redeliver it", {
            messageId: record.messageId,
            error: error as Error,
          });
          failures.push({ itemIdentifier: record.messageId ?? "" });
        }
      }
      return { batchItemFailures: failures };
    }
    const result = emptyResult();
    await handleEvent(event, event, context, result);
    return result;
  };
}

let lambdaHandler: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry point. Configuration errors surface on the first invocation, with the variable named. */
export const handler = (event: unknown, context: Context) => {
  lambdaHandler ??= createHandler(loadConfig());
  return lambdaHandler(event, context);
};
