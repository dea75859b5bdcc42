#!/usr/bin/env node
import { parseArgs } from "node:util";
import { awsTarget } from "./aws.js";
import { startLocalTarget } from "./local.js";
import { formatReport } from "./report.js";
import type { ValidationTarget } from "./target.js";
import { runValidation } from "./validate.js";

const USAGE = `usage: pnpm validate [--stack NAME]                         the local plane (default stack: dev)
       pnpm validate --against aws --stack NAME [--region R] [--outputs FILE]   a deployed stack`;

/**
 * `pnpm validate`: the three production checks of the telemetry. Locally it starts the plane (moto,
 * Prometheus, our collector build, the backend, the Lambda bundle), runs the checks, prints the report and
 * stops every peer, also on Ctrl-C. Exits 1 if a check fails, 2 on a usage error.
 */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      against: { type: "string", default: "local" },
      stack: { type: "string" },
      region: { type: "string" },
      outputs: { type: "string" },
      "timeout-seconds": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
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
  // started so far are also killed when this process exits).
  const onSignal = (signal: string) => {
    log(`${signal}: stopping`);
    void Promise.resolve(target?.stop?.()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (values.against === "aws") {
    if (values.stack === undefined) throw new UsageError("--against aws needs --stack NAME");
    const region = values.region ?? process.env.AWS_REGION;
    if (region === undefined) throw new UsageError("--against aws needs --region or AWS_REGION");
    target = await awsTarget({
      stack: values.stack,
      region,
      ...(values.outputs === undefined ? {} : { outputsFile: values.outputs }),
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    });
  } else if (values.against === "local") {
    log("starting the local plane (moto, Prometheus, collectors, backend)");
    target = await startLocalTarget({
      ...(values.stack === undefined ? {} : { stack: values.stack }),
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
      log,
    });
  } else {
    throw new UsageError(`--against must be local or aws, not "${values.against}"`);
  }
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

class UsageError extends Error {
  override readonly name = "UsageError";
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
