#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DeployStop, deploy, Interrupted, PreflightFailed, preflight } from "./deploy.js";
import { ManifestError } from "./manifest.js";
import { formatPreflight } from "./preflight.js";
import { CommandFailed, CommandNotFound } from "./process.js";
import { UnknownStack } from "./stacks.js";

const USAGE = `usage: pnpm run deploy --stack NAME [--dry-run] [--auto-approve] [--no-synth]
       pnpm run preflight --stack NAME [--no-synth]`;

class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The repository this CLI was built in: apps/deploy/dist/cli.js -> the root. */
const defaultRoot = () => fileURLToPath(new URL("../../..", import.meta.url));

let interrupted = false;

/**
 * `trackgraph-deploy deploy|preflight --stack NAME`. Exit codes: 0 done (preflight: no FAIL), 1 a step,
 * a check or a program failed, 2 usage or unknown stack, 130 interrupted.
 */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "auto-approve": { type: "boolean", default: false },
      "no-synth": { type: "boolean", default: false },
      root: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
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

// Ctrl-C reaches the running terraform too (same process group): let it stop cleanly, then stop here.
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(
    "deploy: interrupted; stopping after the running command (Ctrl-C again to quit now)\n",
  );
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = interrupted ? 130 : code;
  },
  (error: unknown) => {
    const say = (line: string) => process.stderr.write(`deploy: ${line}\n`);
    if (error instanceof UsageError) {
      say(error.message);
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof UnknownStack) {
      say(error.message);
      process.exitCode = 2;
    } else if (interrupted || error instanceof Interrupted) {
      say("interrupted");
      process.exitCode = 130;
    } else if (error instanceof PreflightFailed) {
      say(error.message);
      process.exitCode = 1;
    } else if (error instanceof DeployStop) {
      for (const line of error.message.split("\n")) say(line);
      process.exitCode = 1;
    } else if (error instanceof CommandNotFound) {
      say(`${error.message}: install it (pnpm run preflight --stack NAME says what is missing)`);
      process.exitCode = 1;
    } else if (error instanceof CommandFailed || error instanceof ManifestError) {
      say(error.message);
      process.exitCode = 1;
    } else {
      say(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      process.exitCode = 1;
    }
  },
);
