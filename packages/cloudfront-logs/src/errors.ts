import type { LogSummary } from "./summary.js";

/** Base class of every error this package throws. */
export class CloudFrontLogError extends Error {
  override readonly name: string = "CloudFrontLogError";
}

/**
 * The input ended inside a gzip member, or its compressed data is corrupt. `partial` holds everything
 * parsed before that point, so a caller can publish it and report the rest as lost.
 */
export class TruncatedLogError extends CloudFrontLogError {
  override readonly name = "TruncatedLogError";
  constructor(
    message: string,
    readonly partial: LogSummary,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The input is in a format this package does not read (Parquet, or plain output without a field list). */
export class UnsupportedFormatError extends CloudFrontLogError {
  override readonly name = "UnsupportedFormatError";
}
