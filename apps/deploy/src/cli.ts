#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { argumentProblem } from "@trackgraph/cli-args";
import { DeployStop, deploy, Interrupted, PreflightFailed, preflight } from "./deploy.js";
import { ManifestError } from "./manifest.js";
import { formatPreflight } from "./preflight.js";
import { CommandFailed, CommandNotFound } from "./process.js";
import { UnknownStack } from "./stacks.js";

type Command = "deploy" | "preflight";

const COMMAND_USAGE: Record<Command, string> = {
  deploy: "pnpm run deploy --stack NAME [--dry-run] [--auto-approve] [--no-synth]",
  preflight: "pnpm run preflight --stack NAME [--no-synth]",
};
/** The usage of `command`, or of both when the command line names neither. */
const usage = (command: Command | undefined) =>
  command === undefined
    ? `usage: ${COMMAND_USAGE.deploy}\n       ${COMMAND_USAGE.preflight}`
    : `usage: ${COMMAND_USAGE[command]}`;

const OPTIONS = {
  stack: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  "auto-approve": { type: "boolean", default: false },
  "no-synth": { type: "boolean", default: false },
  root: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The command the line names (its first positional), read leniently so that a line parseArgs refuses still
 * says whose error it is: `preflight: unknown option --x` with preflight's usage.
 */
function commandOf(argv: string[]): Command | undefined {
  const { positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false });
  return positionals[0] === "deploy" || positionals[0] === "preflight" ? positionals[0] : undefined;
}

/** The repository this CLI was built in: apps/deploy/dist/cli.js -> the root. */
const defaultRoot = () => fileURLToPath(new URL("../../..", import.meta.url));

let interrupted = false;

/** parseArgs, strict; what it refuses becomes a usage error of one line (`unknown option --dryrun`). */
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    const problem = argumentProblem(error, argv);
    throw problem === undefined ? error : new UsageError(problem.text);
  }
}

/**
 * `trackgraph-deploy deploy|preflight --stack NAME`. Exit codes: 0 done (preflight: no FAIL), 1 a step,
 * a check or a program failed, 2 usage or unknown stack, 130 interrupted.
 */
async function main(argv: string[], named: Command | undefined): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(`${usage(named)}\n`);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (command !== "deploy" && command !== "preflight")
    throw new UsageError(`the first argument is deploy or preflight, not ${command ?? "nothing"}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(" ")}`);
  if (values.stack === undefined || values.stack === "") throw new UsageError("--stack NAME is required");
  if (command === "preflight" && (values["dry-run"] || values["auto-approve"]))
    throw new UsageError("preflight takes neither --dry-run nor --auto-approve (it changes nothing)");

  const common = {
    stack: values.stack,
    root: values.root ?? defaultRoot(),
    synth: !values["no-synth"],
    interrupted: () => interrupted,
  };
  if (command === "preflight") {
    const report = await preflight(common);
    process.stdout.write(`${formatPreflight(report)}\n`);
    return report.ok ? 0 : 1;
  }
  await deploy({ ...common, dryRun: values["dry-run"], autoApprove: values["auto-approve"] });
  return 0;
}

/** Says what stopped the run, on stderr, each line prefixed by `name:`; returns the exit code. */
function report(error: unknown, named: Command | undefined): number {
  const say = (line: string) => process.stderr.write(`${named ?? "deploy"}: ${line}\n`);
  if (error instanceof UsageError) {
    say(error.message);
    process.stderr.write(`${usage(named)}\n`);
    return 2;
  }
  if (error instanceof UnknownStack) {
    say(error.message);
    return 2;
  }
  if (interrupted || error instanceof Interrupted) {
    say("interrupted");
    return 130;
  }
  if (error instanceof DeployStop) {
    for (const line of error.message.split("\n")) say(line);
  } else if (error instanceof CommandNotFound) {
    say(`${error.message}: install it (pnpm run preflight --stack NAME says what is missing)`);
  } else if (
    error instanceof PreflightFailed ||
    error instanceof CommandFailed ||
    error instanceof ManifestError
  ) {
    say(error.message);
  } else {
    say(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  return 1;
}

const argv = process.argv.slice(2);
const named = commandOf(argv);

// Ctrl-C reaches the running terraform too (same process group): let it stop cleanly, then stop here.
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(
    `${named ?? "deploy"}: interrupted; stopping after the running command (Ctrl-C again to quit now)\n`,
  );
});

main(argv, named).then(
  (code) => {
    process.exitCode = interrupted ? 130 : code;
  },
  (error: unknown) => {
    process.exitCode = report(error, named);
  },
);
