import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { sortMetrics, toMetricData } from "./datum.js";
import { PublishError } from "./errors.js";
import { LIMITS } from "./limits.js";
import { datumBytes, requestOverheadBytes } from "./request-size.js";
import type { Metric } from "./types.js";
import { validateMetric, validateNamespace } from "./validate.js";

export interface MetricsPublisherOptions {
  namespace: string;
  /**
   * The client to send with. The default retries throttling and 5xx errors with the SDK's adaptive
   * strategy (exponential backoff with jitter, client-side rate limiting), 5 attempts in all.
   */
  client?: Pick<CloudWatchClient, "send">;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** The clock timestamps are checked against. */
  now?: () => number;
}

export interface PublishOptions {
  /**
   * Batches already published by an earlier call with the same metrics: a count (the first N) or the
   * indexes themselves (from {@link PublishError.completedBatches} or `onBatchPublished`).
   */
  skipBatches?: number | Iterable<number>;
  /**
   * Awaited before each batch is sent; if it throws, the batch is not sent and fails. The place to record
   * that a batch may be accepted from now on, so a later attempt knows which batches' fate is unknown.
   */
  beforeBatch?: (batchIndex: number, totalBatches: number) => Promise<void> | void;
  /** Awaited after each batch is accepted, before it counts as published: the place to record progress. */
  onBatchPublished?: (batchIndex: number, totalBatches: number) => Promise<void> | void;
}

export interface PublishResult {
  totalBatches: number;
  /** Batches sent by this call. */
  publishedBatches: number[];
  skippedBatches: number[];
  /** Metric data sent by this call. */
  dataSent: number;
}

/** The requests a publish would send, in order: the same metrics always give the same plan. */
export interface PublishPlan {
  namespace: string;
  batches: MetricDatum[][];
}

/**
 * Publishes metrics to CloudWatch with the fewest PutMetricData calls the limits allow: up to 1,000 data
 * and under 1 MB per request, distributions as values/counts pairs of up to 150 values. Batching is
 * deterministic, so a caller that recorded which batches succeeded can resume without duplicates.
 */
export class MetricsPublisher {
  readonly namespace: string;
  private readonly client: Pick<CloudWatchClient, "send">;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(options: MetricsPublisherOptions) {
    validateNamespace(options.namespace);
    this.namespace = options.namespace;
    this.client = options.client ?? new CloudWatchClient({ retryMode: "adaptive", maxAttempts: 5 });
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error(`concurrency ${concurrency} must be a whole number of 1 or more`);
    this.concurrency = concurrency;
    this.now = options.now ?? Date.now;
  }

  /** Validates every metric and cuts the requests. Throws MetricValidationError before anything is sent. */
  plan(metrics: readonly Metric[]): PublishPlan {
    const nowMs = this.now();
    metrics.forEach((metric, index) => {
      validateMetric(metric, index, nowMs);
    });
    const ordered = sortMetrics(metrics);
    const budget = LIMITS.requestBytes - requestOverheadBytes(this.namespace);
    const batches: MetricDatum[][] = [];
    let current: MetricDatum[] = [];
    let bytes = 0;
    for (const metric of ordered) {
      for (const datum of toMetricData(metric)) {
        const size = datumBytes(datum);
        if (current.length > 0 && (current.length === LIMITS.dataPerRequest || bytes + size > budget)) {
          batches.push(current);
          current = [];
          bytes = 0;
        }
        current.push(datum);
        bytes += size;
      }
    }
    if (current.length > 0) batches.push(current);
    return { namespace: this.namespace, batches };
  }

  /**
   * Sends the plan's batches, `concurrency` at a time. On a batch that still fails after the SDK's
   * retries it stops starting new ones, lets those in flight finish, and throws a {@link PublishError}.
   */
  async publish(metrics: readonly Metric[], options: PublishOptions = {}): Promise<PublishResult> {
    return this.send(this.plan(metrics), options);
  }

  /** Sends a plan made by {@link plan}; for callers that fingerprint the plan before sending it. */
  async send(plan: PublishPlan, options: PublishOptions = {}): Promise<PublishResult> {
    if (plan.namespace !== this.namespace)
      throw new Error(
        `the plan is for namespace ${plan.namespace}, this publisher sends to ${this.namespace}`,
      );
    const { batches } = plan;
    const total = batches.length;
    const skipped = skipSet(options.skipBatches, total);
    const pending = batches.map((_, i) => i).filter((i) => !skipped.has(i));
    const published: number[] = [];
    let dataSent = 0;
    // A holder object: TypeScript cannot see assignments made inside the workers' closures.
    const state: { failure?: { index: number; cause: unknown }; next: number } = { next: 0 };
    const firstFailure = () => state.failure;

    const worker = async (): Promise<void> => {
      while (state.failure === undefined && state.next < pending.length) {
        const index = pending[state.next++] as number;
        const batch = batches[index] as MetricDatum[];
        try {
          await options.beforeBatch?.(index, total);
          await this.client.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: batch }));
          await options.onBatchPublished?.(index, total);
          published.push(index);
          dataSent += batch.length;
        } catch (cause) {
          const earlier = firstFailure();
          if (earlier === undefined || index < earlier.index) state.failure = { index, cause };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));

    const failure = state.failure;
    if (failure !== undefined) {
      const completed = [...skipped, ...published].sort((a, b) => a - b);
      throw new PublishError(failure.index, total, completed, { cause: failure.cause });
    }
    return {
      totalBatches: total,
      publishedBatches: published.sort((a, b) => a - b),
      skippedBatches: [...skipped].sort((a, b) => a - b),
      dataSent,
    };
  }
}

function skipSet(skip: PublishOptions["skipBatches"], total: number): Set<number> {
  if (skip === undefined) return new Set();
  if (typeof skip === "number") {
    if (!Number.isInteger(skip) || skip < 0)
      throw new Error(`skipBatches ${skip} must be a whole number of 0 or more`);
    return new Set(Array.from({ length: Math.min(skip, total) }, (_, i) => i));
  }
  const set = new Set(skip);
  for (const index of set) {
    if (!Number.isInteger(index) || index < 0 || index >= total) {
      throw new Error(`skipBatches names batch ${index}, but these metrics make batches 0 to ${total - 1}`);
    }
  }
  return set;
}
