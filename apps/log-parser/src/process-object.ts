import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Logger } from "@aws-lambda-powertools/logger";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  distributionIdFromKey,
  type LogSummary,
  summarizeLog,
  TruncatedLogError,
  UnsupportedFormatError,
} from "@trackgraph/cloudfront-logs";
import {
  inWindow,
  type MetricsPublisher,
  PublishError,
  type PublishPlan,
  type PublishResult,
  timestampWindow,
} from "@trackgraph/metrics-publisher";
import { type AmbiguousSends, definitelyRefused } from "./ambiguous-sends.js";
import { batchesResentMetric, objectMetrics } from "./metrics.js";
import type { ObjectRef } from "./object-refs.js";
import type { ProgressStore } from "./progress-store.js";

export interface ProcessDependencies {
  s3: Pick<S3Client, "send">;
  publisher: MetricsPublisher;
  progress: Pick<ProgressStore, "load" | "begin" | "add" | "abandon">;
  /** The publisher's client's record of attempts CloudWatch may have processed unheard. */
  ambiguous?: AmbiguousSends;
  logger: Logger;
  /** The parser's line length cap. */
  maxLineBytes?: number;
  /** The clock a new plan is made with. */
  now?: () => number;
}

/**
 * How much narrower than CloudWatch's window (two weeks back, two hours ahead) a plan's window is: a retry
 * resumes with the first attempt's clock, and this keeps its batches acceptable for an hour after it.
 */
export const WINDOW_MARGIN_MS = 3600_000;

/** Kept small: Powertools stores it in the idempotency record as the invocation's result. */
export interface ObjectResult {
  status: "published" | "missing" | "unreadable";
  key: string;
  records: number;
  malformed: number;
  truncated: boolean;
  /** Requests not published because their minute was outside CloudWatch's window. */
  droppedOutOfWindow: number;
  batches: number;
  batchesSent: number;
  batchesResumed: number;
  /** Batches sent again that an earlier attempt had sent without recording CloudWatch's answer. */
  batchesResent: number;
}

/**
 * A retry found progress recorded for another publish plan (the code changed between attempts). Resuming
 * could send a batch twice, so the object goes to the failure destination for a person to look at.
 */
export class PlanChangedError extends Error {
  override readonly name = "PlanChangedError";
  readonly code = "PLAN_CHANGED";
}

/** S3 error names for an object or version that is gone: deleted before it was read. */
const GONE = new Set(["NoSuchKey", "NoSuchVersion"]);

/**
 * Why a GetObject error means the object or version no longer exists, or undefined. NoSuchKey and
 * NoSuchVersion need s3:ListBucket (without it S3 answers 403 AccessDenied for a missing key, which stays
 * an error: it may as well be a real permission problem). 405 is a version that is now a delete marker.
 */
function goneReason(error: unknown): string | undefined {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name !== undefined && GONE.has(e.name)) return e.name;
  if (e.name === "MethodNotAllowed" || e.$metadata?.httpStatusCode === 405) return "DeleteMarker";
  return undefined;
}

function nothingPublished(status: "missing" | "unreadable", key: string): ObjectResult {
  return {
    status,
    key,
    records: 0,
    malformed: 0,
    truncated: false,
    droppedOutOfWindow: 0,
    batches: 0,
    batchesSent: 0,
    batchesResumed: 0,
    batchesResent: 0,
  };
}

/** Identifies one version of one object: the unit of exactly-once processing. */
export function objectId(ref: ObjectRef): string {
  return `${ref.bucket}/${ref.key}@${ref.versionId ?? ref.eTag ?? "unversioned"}`;
}

function planHash(plan: PublishPlan): string {
  return createHash("sha256").update(JSON.stringify(plan)).digest("hex");
}

/**
 * What some batches of a plan hold: their data, and per metric what they add (a counter's sum, a
 * distribution's samples): the most a resend can count twice.
 */
function batchContents(plan: PublishPlan, batches: number[]) {
  let data = 0;
  const adds: Record<string, number> = {};
  for (const index of batches) {
    for (const datum of plan.batches[index] ?? []) {
      data++;
      const name = datum.MetricName ?? "";
      const amount = datum.Counts ? datum.Counts.reduce((a, b) => a + b, 0) : (datum.Value ?? 0);
      adds[name] = (adds[name] ?? 0) + amount;
    }
  }
  return { data, adds };
}

/** The object's body and LastModified, or the result for an object deleted before it was read. */
async function openObject(
  ref: ObjectRef,
  id: string,
  deps: ProcessDependencies,
): Promise<{ body: Readable; lastModified: Date } | ObjectResult> {
  try {
    const object = await deps.s3.send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(ref.versionId ? { VersionId: ref.versionId } : {}),
      }),
    );
    return { body: object.Body as Readable, lastModified: object.LastModified ?? new Date() };
  } catch (error) {
    const reason = goneReason(error);
    if (reason === undefined) throw error;
    // Deleted before it was read: nothing to count, and a retry would find it gone again.
    deps.logger.warn("log object no longer exists; skipped", { object: id, reason });
    return nothingPublished("missing", ref.key);
  }
}

/**
 * The object's summary: a truncated one gives what was parsed (`truncated`), an unreadable one the
 * result to return instead.
 */
async function summarizeObject(
  body: Readable,
  ref: ObjectRef,
  id: string,
  distributionId: string,
  deps: ProcessDependencies,
): Promise<{ summary: LogSummary; truncated: boolean } | ObjectResult> {
  const { logger } = deps;
  try {
    const summary = await summarizeLog(body, {
      distributionId,
      ...(deps.maxLineBytes === undefined ? {} : { maxLineBytes: deps.maxLineBytes }),
    });
    return { summary, truncated: false };
  } catch (error) {
    if (error instanceof TruncatedLogError) {
      const summary = error.partial;
      logger.error("log object is truncated or corrupt; publishing what was parsed", {
        object: id,
        records: summary.records,
        malformed: summary.malformed,
        error: error.message,
      });
      return { summary, truncated: true };
    }
    if (error instanceof UnsupportedFormatError) {
      logger.error("log object is in a format this function does not read", {
        object: id,
        error: error.message,
      });
      return nothingPublished("unreadable", ref.key);
    }
    throw error;
  }
}

/** What one attempt of `send` needs to know and records. */
interface SendState {
  id: string;
  hash: string;
  planAt: number;
  distributionId: string;
  plan: PublishPlan;
  /** Batches an earlier attempt sent without recording the answer. */
  uncertain: Set<number>;
}

/**
 * Sends the plan's batches not yet recorded, recording each before and after, and reports every resend
 * CloudWatch may count twice. Returns the publisher's result and the batches resent.
 */
async function sendPlan(
  state: SendState,
  done: number[],
  deps: ProcessDependencies,
): Promise<{ result: PublishResult; resent: number[] }> {
  const { id, hash, planAt, plan, uncertain, distributionId } = state;
  const { logger } = deps;
  const started = new Set<number>();
  const accepted = new Set<number>();
  const resent: number[] = [];
  const now = deps.now ?? Date.now;
  try {
    const result = await deps.publisher.send(plan, {
      skipBatches: done,
      beforeBatch: async (index) => {
        await deps.progress.begin(id, hash, planAt, index);
        started.add(index);
      },
      onBatchPublished: async (index) => {
        accepted.add(index);
        await deps.progress.add(id, hash, index);
        // Sent again after an earlier attempt, or after an attempt of this one, that CloudWatch may have
        // stored unheard: counted at once, so the signal survives a later failure of this invocation. Outside
        // the plan (a retry's plan must equal the first attempt's) and best effort: the log line stays.
        if (!uncertain.has(index) && !deps.ambiguous?.has(plan.batches[index])) return;
        resent.push(index);
        logger.warn("batch sent again; CloudWatch may count it twice", {
          object: id,
          batch: index,
          ...batchContents(plan, [index]),
        });
        try {
          await deps.publisher.publish([batchesResentMetric(1, new Date(now()), distributionId)]);
        } catch (error) {
          logger.error("could not publish BatchesResent", { object: id, error: error as Error });
        }
      },
    });
    return { result, resent };
  } catch (error) {
    // A batch that never went out, or that CloudWatch refused outright, leaves `sending`: the retry then
    // knows it is not stored. One that may be stored stays, and the retry counts its resend.
    if (error instanceof PublishError && !accepted.has(error.batchIndex)) {
      const index = error.batchIndex;
      const refused =
        !started.has(index) || (definitelyRefused(error.cause) && !deps.ambiguous?.has(plan.batches[index]));
      if (refused) await deps.progress.abandon(id, hash, index).catch(() => undefined);
    }
    throw error;
  }
}

/**
 * Streams one log object from S3, aggregates it and publishes its metrics, resuming after the last batch
 * CloudWatch accepted in an earlier attempt. A truncated or corrupt object publishes what was parsed and
 * returns normally (a retry would read the same bytes); CloudWatch failures throw, so the invocation is
 * retried and finally lands in the on-failure destination.
 */
export async function processObject(ref: ObjectRef, deps: ProcessDependencies): Promise<ObjectResult> {
  const { logger } = deps;
  const id = objectId(ref);
  const opened = await openObject(ref, id, deps);
  if ("status" in opened) return opened;
  const { body, lastModified } = opened;

  const distributionId = distributionIdFromKey(ref.key) ?? "unknown";
  const summarized = await summarizeObject(body, ref, id, distributionId, deps);
  if ("status" in summarized) return summarized;
  const { summary, truncated } = summarized;
  if (summary.malformed > 0) {
    logger.warn("malformed lines skipped", {
      object: id,
      malformed: summary.malformed,
      first: summary.malformedLines.slice(0, 5),
    });
  }

  // A retry plans with the clock of the attempt that first sent a batch: which minutes are inside
  // CloudWatch's window depends on it, and the same clock gives the same plan, so recorded progress holds.
  const progress = await deps.progress.load(id);
  const planAt = progress?.planAt ?? (deps.now ?? Date.now)();
  const window = timestampWindow(planAt, WINDOW_MARGIN_MS);
  // Health metrics are stamped with the object's LastModified, not the clock, so every attempt at the same
  // object makes the same plan; an object older than the window (a late redrive) takes the plan's clock.
  const processedAt = inWindow(lastModified, window) ? lastModified : new Date(planAt);
  const { metrics, dropped } = objectMetrics(summary.aggregate, {
    distributionId,
    malformedLines: summary.malformed,
    truncated,
    processedAt,
    window,
  });
  if (dropped.requests > 0) {
    logger.warn("minutes outside CloudWatch's window are not published; counted in DroppedOutOfWindow", {
      object: id,
      requests: dropped.requests,
      minutes: dropped.minutes,
      oldest: dropped.oldest?.toISOString(),
      newest: dropped.newest?.toISOString(),
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
    });
  }
  const plan = deps.publisher.plan(metrics);
  const hash = planHash(plan);
  if (progress !== undefined && progress.planHash !== hash) {
    throw new PlanChangedError(
      `${id}: ${progress.batches.size} batches were published under another plan; refusing to resume (it could double-count)`,
    );
  }
  const done = [...(progress?.batches ?? [])].filter((i) => i < plan.batches.length);
  // Batches an earlier attempt sent without recording the answer: CloudWatch may hold them already, and
  // PutMetricData has no idempotency token, so sending them again may count them twice.
  const uncertain = new Set(
    [...(progress?.sending ?? [])].filter((i) => !progress?.batches.has(i) && i < plan.batches.length),
  );
  if (uncertain.size > 0) {
    logger.warn(
      "resending batches an earlier attempt sent without recording the answer; each may count twice",
      {
        object: id,
        batches: [...uncertain].sort((a, b) => a - b),
        ...batchContents(plan, [...uncertain]),
      },
    );
  }
  const { result, resent } = await sendPlan(
    { id, hash, planAt, distributionId, plan, uncertain },
    done,
    deps,
  );
  const outcome: ObjectResult = {
    status: "published",
    key: ref.key,
    records: summary.records,
    malformed: summary.malformed,
    truncated,
    droppedOutOfWindow: dropped.requests,
    batches: result.totalBatches,
    batchesSent: result.publishedBatches.length,
    batchesResumed: result.skippedBatches.length,
    batchesResent: resent.length,
  };
  logger.info("log object published", { object: id, distributionId, format: summary.format, ...outcome });
  return outcome;
}
