import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { MetricValidationError } from "@trackgraph/metrics-publisher";
import type { Context } from "aws-lambda";
import { UnsupportedEventError } from "./object-refs.js";
import { PlanChangedError } from "./process-object.js";

/**
 * The code of an error that no retry can fix, or undefined for one a retry may (throttling, a network
 * error, a record another invocation holds, S3 AccessDenied while IAM settles).
 *
 * - `UnsupportedEventError`'s codes: the event itself is unreadable (`null`, a bad `%` escape in a key).
 * - `PLAN_CHANGED`: progress of another publish plan; resuming could double-count.
 * - `METRIC_INVALID`: a metric CloudWatch refuses (a dimension value from the log, a timestamp a late
 *   retry finds out of window); the same object fails the same way every time.
 */
export function permanentErrorCode(error: unknown): string | undefined {
  if (error instanceof UnsupportedEventError) return error.code;
  if (error instanceof PlanChangedError) return error.code;
  if (error instanceof MetricValidationError) return "METRIC_INVALID";
  return undefined;
}

/** What a rejected event leaves in the handler's result. */
export interface Rejection {
  code: string;
  error: string;
  /** True when the event was written to the dead-letter queue; false when no queue is configured. */
  deadLettered: boolean;
}

/**
 * The dead-letter record, in the shape of Lambda's own on-failure destination records (so one tool reads
 * both), with `condition: "RejectedWithoutRetry"` and the error's code.
 */
export function deadLetterRecord(payload: unknown, error: Error, code: string, context: Context) {
  return {
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: context.awsRequestId,
      functionArn: context.invokedFunctionArn,
      condition: "RejectedWithoutRetry",
      approximateInvokeCount: 1,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: context.functionVersion, functionError: "Handled" },
    responsePayload: { errorType: error.name, errorMessage: error.message, errorCode: code },
  };
}

/**
 * Records an event that can never succeed in the function's dead-letter queue, where the queue's alarm
 * sees it and a person can read and redrive it, instead of letting Lambda retry it first. If the queue
 * cannot be written, this throws: the invocation then fails and Lambda's on-failure destination (the
 * same queue) gets the event after its retries, so it is never lost quietly.
 */
export class DeadLetters {
  constructor(
    private readonly sqs: Pick<SQSClient, "send"> | undefined,
    private readonly queueUrl: string | undefined,
  ) {}

  get configured(): boolean {
    return this.sqs !== undefined && this.queueUrl !== undefined;
  }

  async send(payload: unknown, error: Error, code: string, context: Context): Promise<boolean> {
    if (this.sqs === undefined || this.queueUrl === undefined) return false;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(deadLetterRecord(payload, error, code, context)),
        MessageAttributes: {
          ErrorCode: { DataType: "String", StringValue: code },
          Condition: { DataType: "String", StringValue: "RejectedWithoutRetry" },
        },
      }),
    );
    return true;
  }
}
