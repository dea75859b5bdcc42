#!/usr/bin/env node
import { parseArgs } from "node:util";
import { parseOrUsage, QUERY_USAGE, SUMMARIZE_USAGE, USAGE, UsageError, wholeNumber } from "./cli-args.js";
import { assertReadableFile, CliError, EXIT_UNREADABLE } from "./cli-error.js";
import { parseLogFile } from "./cli-file.js";
import { type CliSummary, toCliSummary } from "./cli-summary.js";
import { summarizeLog } from "./parse.js";
import type { LogSummary } from "./summary.js";

async function summarizeFile(
  path: string,
  distributionId: string | undefined,
  maxLineBytes: number | undefined,
): Promise<LogSummary> {
  await assertReadableFile(path);
  return parseLogFile(path, { distributionId, maxLineBytes }, summarizeLog);
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
  const minutes = Object.entries(summary.perMinute);
  const minuteWidth = Math.max("minute".length, ...minutes.map(([minute]) => minute.length));
  lines.push("", `${"minute".padEnd(minuteWidth)}  requests`);
  for (const [minute, count] of minutes) lines.push(`${minute.padEnd(minuteWidth)}  ${count}`);
  return lines.join("\n");
}

const COMMAND_USAGE: Record<string, string> = { summarize: SUMMARIZE_USAGE, query: QUERY_USAGE };

/** `cf-logs summarize ...`; also any command line that does not start with `query`, to say what is wrong. */
async function summarize(argv: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(
    argv,
    argv.includes("summarize") ? SUMMARIZE_USAGE : USAGE,
    () =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          json: { type: "boolean", default: false },
          "distribution-id": { type: "string" },
          "max-line-bytes": { type: "string" },
          help: { type: "boolean", short: "h", default: false },
        },
      }),
  );
  const [command, ...files] = positionals;
  if (values.help) {
    process.stdout.write(`${COMMAND_USAGE[command ?? ""] ?? USAGE}\n`);
    return 0;
  }
  if (command === undefined) throw new UsageError("no command: expected summarize or query", USAGE);
  // `cf-logs --json query x`: query's options are not summarize's, so the command must come first.
  if (command === "query") throw new UsageError("query must come first, before its options", QUERY_USAGE);
  if (command !== "summarize")
    throw new UsageError(`unknown command ${command}: expected summarize or query`, USAGE);
  if (files.length === 0) throw new UsageError("summarize needs at least one FILE", SUMMARIZE_USAGE);
  const maxLineBytes = wholeNumber("--max-line-bytes", values["max-line-bytes"]);
  const summaries: LogSummary[] = [];
  for (const file of files)
    summaries.push(await summarizeFile(file, values["distribution-id"], maxLineBytes));
  const summary = toCliSummary(summaries);
  process.stdout.write(`${values.json ? JSON.stringify(summary) : table(summary)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "query") {
    // Loaded only for `query`: DuckDB's native bindings would add to every summarize's start and memory.
    const { runQueryCommand } = await import("./query/cli-query.js");
    await runQueryCommand(argv.slice(1));
    return 0;
  }
  return summarize(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cf-logs: ${message.split("\n")[0]}\n`);
    if (error instanceof UsageError) process.stderr.write(`${error.usage}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT_UNREADABLE;
  },
);
