import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Logger } from "@aws-lambda-powertools/logger";
import { GetObjectCommand, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import {
  distributionIdFromKey,
  type LogSummary,
  summarizeLog,
  TruncatedLogError,
  UnsupportedFormatError,
} from "@trackgraph/cloudfront-logs";
import type { MetricsPublisher, PublishPlan } from "@trackgraph/metrics-publisher";
import { metricsFromAggregate } from "./metrics.js";
import type { ObjectRef } from "./object-refs.js";
import type { ProgressStore } from "./progress-store.js";

export interface ProcessDependencies {
  s3: Pick<S3Client, "send">;
  publisher: MetricsPublisher;
  progress: ProgressStore;
  logger: Logger;
}

/** Kept small: Powertools stores it in the idempotency record as the invocation's result. */
export interface ObjectResult {
  status: "published" | "missing" | "unreadable";
  key: string;
  records: number;
  malformed: number;
  truncated: boolean;
  batches: number;
  batchesSent: number;
  batchesResumed: number;
}

/**
 * A retry found progress recorded for another publish plan (the code changed between attempts). Resuming
 * could send a batch twice, so the object goes to the failure destination for a person to look at.
 */
export class PlanChangedError extends Error {
  override readonly name = "PlanChangedError";
}

function nothingPublished(status: "missing" | "unreadable", key: string): ObjectResult {
  return {
    status,
    key,
    records: 0,
    malformed: 0,
    truncated: false,
    batches: 0,
    batchesSent: 0,
    batchesResumed: 0,
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
 * Streams one log object from S3, aggregates it and publishes its metrics, resuming after the last batch
 * CloudWatch accepted in an earlier attempt. A truncated or corrupt object publishes what was parsed and
 * returns normally (a retry would read the same bytes); CloudWatch failures throw, so the invocation is
 * retried and finally lands in the on-failure destination.
 */
export async function processObject(ref: ObjectRef, deps: ProcessDependencies): Promise<ObjectResult> {
  const { logger } = deps;
  const id = objectId(ref);
  let body: Readable;
  let lastModified: Date;
  try {
    const object = await deps.s3.send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(ref.versionId ? { VersionId: ref.versionId } : {}),
      }),
    );
    body = object.Body as Readable;
    lastModified = object.LastModified ?? new Date();
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") {
      logger.warn("log object no longer exists; nothing to count", { object: id });
      return nothingPublished("missing", ref.key);
    }
    throw error;
  }

  const distributionId = distributionIdFromKey(ref.key) ?? "unknown";
  let summary: LogSummary;
  let truncated = false;
  try {
    summary = await summarizeLog(body, { distributionId });
  } catch (error) {
    if (error instanceof TruncatedLogError) {
      truncated = true;
      summary = error.partial;
      logger.error("log object is truncated or corrupt; publishing what was parsed", {
        object: id,
        records: summary.records,
        malformed: summary.malformed,
        error: error.message,
      });
    } else if (error instanceof UnsupportedFormatError) {
      logger.error("log object is in a format this function does not read", {
        object: id,
        error: error.message,
      });
      return nothingPublished("unreadable", ref.key);
    } else {
      throw error;
    }
  }
  if (summary.malformed > 0) {
    logger.warn("malformed lines skipped", {
      object: id,
      malformed: summary.malformed,
      first: summary.malformedLines.slice(0, 5),
    });
  }

  // Health metrics are stamped with the object's LastModified, not the clock, so every attempt at the
  // same object makes the same plan and recorded progress stays valid.
  const metrics = metricsFromAggregate(summary.aggregate, {
    distributionId,
    malformedLines: summary.malformed,
    truncated,
    processedAt: lastModified,
  });
  const plan = deps.publisher.plan(metrics);
  const hash = planHash(plan);
  const progress = await deps.progress.load(id);
  if (progress !== undefined && progress.planHash !== hash) {
    throw new PlanChangedError(
      `${id}: ${progress.batches.size} batches were published under another plan; refusing to resume (it could double-count)`,
    );
  }
  const done = [...(progress?.batches ?? [])].filter((i) => i < plan.batches.length);
  const result = await deps.publisher.send(plan, {
    skipBatches: done,
    onBatchPublished: (index) => deps.progress.add(id, hash, index),
  });
  const outcome: ObjectResult = {
    status: "published",
    key: ref.key,
    records: summary.records,
    malformed: summary.malformed,
    truncated,
    batches: result.totalBatches,
    batchesSent: result.publishedBatches.length,
    batchesResumed: result.skippedBatches.length,
  };
  logger.info("log object published", { object: id, distributionId, format: summary.format, ...outcome });
  return outcome;
}
