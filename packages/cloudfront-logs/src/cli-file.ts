import { createReadStream, type ReadStream } from "node:fs";
import { basename } from "node:path";
import { CliError, nothingParsedError } from "./cli-error.js";
import { distributionIdFromKey } from "./distribution-id.js";
import type { LogSummary } from "./summary.js";

/** What both CLI commands take for every file. */
export interface LogFileOptions {
  /** Given by `--distribution-id`; else from the file's name (CloudFront's), else "unknown". */
  distributionId?: string | undefined;
  maxLineBytes?: number | undefined;
}

/**
 * Reads one log file through `parse` (summarize's parser or the query's loader) in 1 MiB reads, as the
 * CLI's `summarize` and `query` both do: a read or parse error becomes one line naming the file, and a
 * file of which no line parsed is refused (CloudFront writes no log for an hour without requests).
 */
export async function parseLogFile(
  path: string,
  options: LogFileOptions,
  parse: (
    input: ReadStream,
    options: { distributionId: string; maxLineBytes?: number },
  ) => Promise<LogSummary>,
): Promise<LogSummary> {
  let summary: LogSummary;
  try {
    summary = await parse(createReadStream(path, { highWaterMark: 1 << 20 }), {
      distributionId: options.distributionId ?? distributionIdFromKey(basename(path)) ?? "unknown",
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    });
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
  if (summary.records === 0) throw nothingParsedError(path, summary);
  return summary;
}
