/** A metric that CloudWatch would refuse; nothing was sent. `index` is its position in the input. */
export class MetricValidationError extends Error {
  override readonly name = "MetricValidationError";
  constructor(
    readonly index: number,
    readonly metricName: string,
    readonly problem: string,
  ) {
    super(`metric #${index} "${metricName}": ${problem}`);
  }
}

/**
 * A batch still failed after the SDK's retries. `completedBatches` lists every batch that was published
 * (in this call or skipped as already published), so a later call can pass them as `skipBatches` and
 * publish the rest without sending any batch twice.
 */
export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(
    readonly batchIndex: number,
    readonly totalBatches: number,
    readonly completedBatches: readonly number[],
    options: { cause: unknown },
  ) {
    const reason =
      options.cause instanceof Error
        ? `${options.cause.name}: ${options.cause.message}`
        : String(options.cause);
    super(
      `PutMetricData batch ${batchIndex} of ${totalBatches} failed (${reason}); ${completedBatches.length} batches are published`,
      options,
    );
  }
}
