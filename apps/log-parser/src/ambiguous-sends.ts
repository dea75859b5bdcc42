import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";

type Middleware = Parameters<CloudWatchClient["middlewareStack"]["addRelativeTo"]>[0];

/**
 * Whether an error proves CloudWatch did not process the request: an HTTP 4xx answer (throttling, 400
 * or 429, or a validation error). Anything else, a 5xx, a reset connection or a timeout, may come after
 * CloudWatch stored the data.
 */
export function definitelyRefused(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Remembers the PutMetricData batches that had an attempt CloudWatch may have processed without the
 * function hearing so (a lost answer, a 5xx): when the SDK then retries the batch and it is accepted, it
 * may be stored twice. Watches every attempt, below the client's retry middleware.
 */
export class AmbiguousSends {
  private readonly batches = new WeakSet<object>();

  attach(client: Pick<CloudWatchClient, "middlewareStack">): void {
    const watch =
      (next: (args: { input: object }) => Promise<unknown>) => async (args: { input: object }) => {
        try {
          return await next(args);
        } catch (error) {
          const data = (args.input as { MetricData?: unknown }).MetricData;
          if (typeof data === "object" && data !== null && !definitelyRefused(error)) this.batches.add(data);
          throw error;
        }
      };
    // A finalizeRequest middleware below the retry middleware runs once per attempt.
    client.middlewareStack.addRelativeTo(watch as unknown as Middleware, {
      relation: "after",
      toMiddleware: "retryMiddleware",
      name: "trackgraphAmbiguousSends",
    });
  }

  /** True when an attempt to send `batch` (the plan's own array) failed in a way CloudWatch may have stored. */
  has(batch: object | undefined): boolean {
    return batch !== undefined && this.batches.has(batch);
  }
}
