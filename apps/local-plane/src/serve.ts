import { type LocalPlaneOptions, startLocalPlane } from "./plane.js";

/**
 * Starts the plane, prints its endpoints and stops it all on Ctrl-C: `pnpm plane`'s body, shared with the
 * variant that loads our alerting (apps/validate's plane command, which knows @trackgraph/dashboards).
 */
export async function servePlane(options: Pick<LocalPlaneOptions, "alerting"> = {}): Promise<void> {
  const log = (line: string) => process.stdout.write(`plane: ${line}\n`);
  const plane = await startLocalPlane({ log, historyCacheSeconds: 60, ...options });
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
  if (plane.alerting) {
    log(`  ${plane.urls.alertmanager} (Alertmanager: what fires, what is inhibited)`);
    for (const [route, t] of Object.entries(plane.alerting.topics)) {
      log(`  ${route} alerts: SNS ${t.topicArn} -> SQS ${t.queueUrl}`);
    }
  }
  log("Ctrl-C stops every peer and deletes their data.");
}
