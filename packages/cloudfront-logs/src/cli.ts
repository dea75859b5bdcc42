#!/usr/bin/env node
import { createReadStream } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { type CliSummary, toCliSummary } from "./cli-summary.js";
import { distributionIdFromKey } from "./distribution-id.js";
import { CloudFrontLogError } from "./errors.js";
import { summarizeLog } from "./parse.js";
import type { LogSummary } from "./summary.js";

const USAGE = "usage: cf-logs summarize [--json] [--distribution-id ID] [--max-line-bytes N] FILE...";

/** Exit code 1: bad usage, or a file could not be read (missing, unreadable, truncated or corrupt gzip). */
const EXIT_UNREADABLE = 1;
/** Exit code 2: a file was read but no line of it parsed (every data line malformed, or none at all). */
const EXIT_NOTHING_PARSED = 2;

/** An error whose message is the whole story: printed as one line, with its exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_UNREADABLE,
  ) {
    super(message);
  }
}

async function summarizeFile(
  path: string,
  distributionId: string | undefined,
  maxLineBytes: number | undefined,
): Promise<LogSummary> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
    await access(path, constants.R_OK);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(error)})`}`,
    );
  }
  let summary: LogSummary;
  try {
    summary = await summarizeLog(createReadStream(path, { highWaterMark: 1 << 20 }), {
      distributionId: distributionId ?? distributionIdFromKey(basename(path)) ?? "unknown",
      ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
    });
  } catch (error) {
    if (error instanceof CloudFrontLogError) throw new CliError(`${path}: ${error.message}`);
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
  if (summary.records === 0) {
    // Totals of zero would read as a quiet hour; CloudFront writes no log for an hour without requests,
    // so a file with nothing to count is a wrong or damaged file.
    const first = summary.malformedLines[0];
    throw new CliError(
      summary.malformed === 0
        ? `${path}: no line parsed; the file holds no data lines`
        : `${path}: no line parsed; all ${summary.malformed} data lines are malformed` +
            (first === undefined ? "" : ` (line ${first.lineNumber}: ${first.code}: ${first.reason})`),
      EXIT_NOTHING_PARSED,
    );
  }
  return summary;
}

function maxLineBytesOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new CliError(`--max-line-bytes ${text}: expected a whole number of 1 or more`);
  return value;
}

function table(summary: CliSummary): string {
  const rows: Array<[string, string | number]> = [
    ["files", summary.files],
    ["records", summary.records],
    ["malformed", summary.malformed],
    ...Object.entries(summary.requests).map(([c, n]): [string, number] => [`requests ${c}`, n]),
    ["bytes sent", summary.bytesSent],
    ["bytes received", summary.bytesReceived],
    ["cache hits", summary.cacheHits],
    ["cache misses", summary.cacheMisses],
    ["errors", summary.errors],
    ["distributions", summary.distributions.join(", ") || "-"],
    ["minutes", Object.keys(summary.perMinute).length],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  lines.push("", "minute                requests");
  for (const [minute, count] of Object.entries(summary.perMinute)) lines.push(`${minute}  ${count}`);
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "distribution-id": { type: "string" },
      "max-line-bytes": { type: "string" },
    },
  });
  const [command, ...files] = positionals;
  if (command !== "summarize" || files.length === 0) throw new CliError(USAGE);
  const maxLineBytes = maxLineBytesOption(values["max-line-bytes"]);
  const summaries: LogSummary[] = [];
  for (const file of files)
    summaries.push(await summarizeFile(file, values["distribution-id"], maxLineBytes));
  const summary = toCliSummary(summaries);
  process.stdout.write(`${values.json ? JSON.stringify(summary) : table(summary)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cf-logs: ${message.split("\n")[0]}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT_UNREADABLE;
  },
);
