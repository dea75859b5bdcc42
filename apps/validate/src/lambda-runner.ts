#!/usr/bin/env node
import { pathToFileURL } from "node:url";

/**
 * Runs a Lambda bundle's `handler` once, as the Lambda runtime would: `node lambda-runner.js BUNDLE` with
 * the event on stdin and the function's environment in the process's. Prints the handler's result as JSON;
 * exits 1 with the error if it throws. A process of its own, so the bundle reads its environment (the
 * deployed one) at import, exactly as in Lambda, without touching the caller's.
 */
async function main(bundle: string | undefined): Promise<void> {
  if (bundle === undefined) throw new Error("usage: lambda-runner BUNDLE < event.json");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const event: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const module = (await import(pathToFileURL(bundle).href)) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  const started = Date.now();
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "log-parser",
    awsRequestId: `validate-${started}`,
    getRemainingTimeInMillis: () => 300_000 - (Date.now() - started),
  };
  process.stdout.write(`${JSON.stringify(await module.handler(event, context))}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
