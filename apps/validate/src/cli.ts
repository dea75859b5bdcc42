#!/usr/bin/env node
import { parseArgs } from "node:util";
import { argumentProblem } from "@trackgraph/cli-args";
import { awsTarget } from "./aws.js";
import { startLocalTarget } from "./local.js";
import { formatReport } from "./report.js";
import type { ValidationTarget } from "./target.js";
import { runValidation } from "./validate.js";

const USAGE = `usage: pnpm validate [--stack NAME]                         the local plane (default stack: dev)
       pnpm validate --against aws --stack NAME [--region R] [--outputs FILE]   a deployed stack`;

/** How long an interrupt waits for the peers' own shutdown (each gets SIGTERM, then SIGKILL after 5 s). */
const STOP_DEADLINE_MS = 30_000;

/** parseArgs, strict; what it refuses becomes a usage error of one line (`unknown option --bogus`). */
function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        against: { type: "string", default: "local" },
        stack: { type: "string" },
        region: { type: "string" },
        outputs: { type: "string" },
        "timeout-seconds": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    const problem = argumentProblem(error, argv);
    throw problem === undefined ? error : new UsageError(problem.text);
  }
}

/**
 * `pnpm validate`: the three production checks of the telemetry, and locally a fourth: a broken component
 * pages. Locally it starts the plane (moto, Prometheus and Alertmanager, our collector build, the backend,
 * the Lambda bundle), runs the checks, prints the report and stops every peer, also on Ctrl-C. Exits 1 if a
 * check fails or the target cannot be set up, 2 on a usage error (one line, then the usage).
 */
async function main(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const timeout = values["timeout-seconds"] === undefined ? undefined : Number(values["timeout-seconds"]);
  if (timeout !== undefined && !(timeout > 0))
    throw new UsageError(`--timeout-seconds must be a positive number`);
  const log = (line: string) => process.stderr.write(`validate: ${line}\n`);
  const started = performance.now();
  let target: (ValidationTarget & { stop?: () => Promise<void> }) | undefined;
  // Registered before anything starts: an interrupt during setup or a check stops what is running (peers
  // started so far are also killed when this process exits). Stopping is bounded: a second interrupt, or
  // STOP_DEADLINE_MS, exits at once, and the exit kills whatever peer is left.
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      log(`${signal} again: killing every peer`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping`);
    setTimeout(() => {
      log(`${signal}: the peers did not stop within ${STOP_DEADLINE_MS / 1000} s; killing them`);
      process.exit(130);
    }, STOP_DEADLINE_MS);
    void Promise.resolve(target?.stop?.()).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  target = await startTarget(values, timeout, log);
  const setupMs = performance.now() - started;
  const running = target;
  try {
    log(`running the checks against the ${running.label}`);
    const results = await runValidation(running);
    process.stdout.write(`${formatReport(results, setupMs)}\n`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await running.stop?.();
  }
}

type CliValues = { against?: string; stack?: string; region?: string; outputs?: string };

/** The target `--against` names: a deployed stack from its outputs, or the local plane started here. */
async function startTarget(
  values: CliValues,
  timeout: number | undefined,
  log: (line: string) => void,
): Promise<ValidationTarget & { stop?: () => Promise<void> }> {
  checkValues(values);
  if (values.against === "aws") {
    if (values.stack === undefined) throw new UsageError("--against aws needs --stack NAME");
    const region = values.region ?? process.env.AWS_REGION;
    if (region === undefined) throw new UsageError("--against aws needs --region or AWS_REGION");
    return awsTarget({
      stack: values.stack,
      region,
      ...(values.outputs === undefined ? {} : { outputsFile: values.outputs }),
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    });
  }
  if (values.against === "local") {
    log("starting the local plane (moto, Prometheus and Alertmanager, collectors, backend)");
    return startLocalTarget({
      ...(values.stack === undefined ? {} : { stack: values.stack }),
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
      log,
    });
  }
  throw new UsageError(`--against must be local or aws, not "${values.against}"`);
}

class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A stack name as the infra app names its config files; `-dashboards` stacks have no checks of their own. */
const STACK_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** An empty value (`--stack ""`, `"$STACK"` unset) or a stack name that is a path is a usage error. */
function checkValues(values: CliValues): void {
  for (const option of ["stack", "region", "outputs"] as const) {
    if (values[option] === "") throw new UsageError(`--${option} needs a value, not an empty one`);
  }
  if (values.stack !== undefined && !STACK_NAME.test(values.stack))
    throw new UsageError(
      `--stack "${values.stack}" is not a stack name (lower-case letters, digits and dashes)`,
    );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`validate: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
