#!/usr/bin/env node
import { startLocalPlane } from "./plane.js";

/** `pnpm plane`: starts the local telemetry plane, prints its endpoints, and stops it all on Ctrl-C. */
async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`plane: ${line}\n`);
  const plane = await startLocalPlane({ log, historyCacheSeconds: 60 });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await plane.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  log("up. Try:");
  log(`  curl ${plane.urls.backend}/summary`);
  log(`  curl -H 'authorization: Bearer ${plane.tokens.metrics}' ${plane.urls.backend}/metrics`);
  log(`  curl '${plane.urls.prometheus}/api/v1/query?query=http_server_request_duration_count'`);
  log(`  AWS_ENDPOINT_URL=${plane.urls.aws} (X-Ray, S3; credentials testing/testing, region us-east-1)`);
  log("Ctrl-C stops every peer and deletes their data.");
}

main().catch((error: unknown) => {
  process.stderr.write(`plane: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
