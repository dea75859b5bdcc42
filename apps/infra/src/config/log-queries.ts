import { z } from "zod";

/** Athena refuses a per-query bytes-scanned cutoff below 10 MB (`BytesScannedCutoffPerQuery`, minimum 10000000). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

/** 10 GB: a week of a busy distribution's logs, and $0.05 of Athena at $5 per TB. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10_000_000_000;

/**
 * `logQueries`: SQL over the raw CloudFront logs with Athena (a Glue table with partition projection over
 * the logs bucket, a workgroup with enforced settings, the package's named queries, Grafana's access).
 */
export const logQueriesSchema = z
  .object({
    /** Builds the Glue table, the Athena workgroup and the named queries (on by default). */
    enabled: z.boolean().default(true),
    /** A query that would scan more bytes than this is cancelled by Athena (the workgroup enforces it). */
    bytesScannedCutoffPerQuery: z
      .number()
      .int("a whole number of bytes")
      .min(MIN_BYTES_SCANNED_CUTOFF, `at least ${MIN_BYTES_SCANNED_CUTOFF} bytes (Athena's minimum, 10 MB)`)
      .default(DEFAULT_BYTES_SCANNED_CUTOFF),
    /** Query results (and their metadata) expire from the results bucket after this many days. */
    resultsExpiryDays: z.number().int("a whole number of days").min(1).max(3650).default(30),
  })
  .strict();

export type LogQueriesConfig = z.output<typeof logQueriesSchema>;
