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

const USAGE = "usage: cf-logs summarize [--json] [--distribution-id ID] FILE...";

/** An error whose message is the whole story: printed as one line, exit code 1. */
class CliError extends Error {}

async function summarizeFile(path: string, distributionId: string | undefined): Promise<LogSummary> {
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
  try {
    return await summarizeLog(createReadStream(path, { highWaterMark: 1 << 20 }), {
      distributionId: distributionId ?? distributionIdFromKey(basename(path)) ?? "unknown",
    });
  } catch (error) {
    if (error instanceof CloudFrontLogError) throw new CliError(`${path}: ${error.message}`);
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
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
    options: { json: { type: "boolean", default: false }, "distribution-id": { type: "string" } },
  });
  const [command, ...files] = positionals;
  if (command !== "summarize" || files.length === 0) throw new CliError(USAGE);
  const summaries: LogSummary[] = [];
  for (const file of files) summaries.push(await summarizeFile(file, values["distribution-id"]));
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
    process.exitCode = 1;
  },
);
