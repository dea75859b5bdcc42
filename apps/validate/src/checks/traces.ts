import { randomBytes } from "node:crypto";
import { findTrace, logLinesOfTrace } from "@trackgraph/local-plane";
import { pollUntil } from "../poll.js";
import { CheckFailed, type CheckResult, runCheck } from "../report.js";
import type { ValidationTarget } from "../target.js";

/** A new X-Ray trace root and the header a caller (a load balancer, App Runner) would send with it. */
function traceRoot(): { id: string; header: string } {
  const id = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  return { id, header: `Root=${id};Parent=${randomBytes(8).toString("hex")};Sampled=1` };
}

/**
 * Check 1 of the design: traces appear in X-Ray once the backend is up. Sends one request with a sampled
 * X-Amzn-Trace-Id and waits for that trace, with the backend's segment and an S3 subsegment, in X-Ray;
 * where the backend's log lines can be read (the local plane), its request line must carry the trace id.
 */
export function checkTraces(target: ValidationTarget): Promise<CheckResult> {
  const root = traceRoot();
  return runCheck(
    "Traces appear in X-Ray",
    `GET ${target.backendUrl}/graph?limit=5 with X-Amzn-Trace-Id Root=${root.id}`,
    async () => {
      const since = new Date();
      const response = await fetch(`${target.backendUrl}/graph?limit=5`, {
        headers: { "x-amzn-trace-id": root.header },
      });
      await response.text();
      if (response.status !== 200)
        throw new CheckFailed(
          `the backend answered ${response.status}`,
          "the backend is not serving; see its logs",
        );
      const trace = await findTrace(
        target.xray,
        since,
        (t) => t.id === root.id && t.segments.some((s) => s.namespace === "aws"),
        target.timeoutSeconds * 1000,
      ).catch(async (error: unknown) => {
        throw new CheckFailed(
          `no trace ${root.id} in X-Ray after ${target.timeoutSeconds} s`,
          await traceCause(target, error),
        );
      });
      const backend = trace.segments.find((s) => s.type !== "subsegment");
      const aws = trace.segments
        .filter((s) => s.namespace === "aws")
        .map((s) => `${s.name} ${s.aws?.operation}`);
      const logs = await traceLogLines(target, trace.id);
      return `trace ${trace.id}: segment ${backend?.name} (HTTP ${backend?.http?.response?.status}) with subsegments ${aws.join(", ")}; ${logs}`;
    },
  );
}

/** Why no trace arrived, from the backend's own span accounting when the target exposes it. */
async function traceCause(target: ValidationTarget, error: unknown): Promise<string> {
  const exporter = target.backendExporter === undefined ? "its OTLP endpoint" : target.backendExporter;
  const stats = await target.backendSpanStats?.().catch(() => undefined);
  if (stats !== undefined && stats.failed > 0)
    return `the backend could not deliver ${stats.failed} spans to ${exporter} (trackgraph_otel_spans_export_failed): check OTEL_EXPORTER_OTLP_ENDPOINT and that the telemetry proxy is up and accepts the backend's token`;
  if (stats !== undefined && stats.dropped > 0)
    return `the backend dropped ${stats.dropped} spans (its export queue to ${exporter} is full): the telemetry proxy is too slow or down`;
  const detail = error instanceof Error ? error.message : String(error);
  return `the backend reports no failed export to ${exporter}, so the spans were lost after the proxy: check the proxy's awsxray exporter and its X-Ray permissions (${detail})`;
}

/** Says which log lines carry the trace's id; fails the check when the backend wrote none. */
async function traceLogLines(target: ValidationTarget, traceId: string): Promise<string> {
  const read = target.backendLogs;
  if (read === undefined) return "log lines not read on this target (they are in CloudWatch Logs)";
  // Lines leave the backend through an asynchronous destination: give them a moment.
  const lines = await pollUntil(
    async () => logLinesOfTrace(read(), traceId),
    (found) => found.some((l) => l.msg === "request"),
    Math.min(10_000, target.timeoutSeconds * 1000),
    250,
  );
  const request = lines.find((l) => l.msg === "request");
  if (request === undefined)
    throw new CheckFailed(
      `trace ${traceId} is in X-Ray, but no log line of the backend carries its id`,
      "the backend writes no request line in the request's context: check LOG_REQUEST_SAMPLE_RATIO (0 turns the request log off) and that the bootstrap's pino instrumentation is loaded (node --import @trackgraph/otel-bootstrap/register)",
    );
  return `${lines.length} log line${lines.length === 1 ? " carries" : "s carry"} its trace id (${request.level} "${request.msg}" ${request.route} ${request.status} in ${request.duration_ms} ms, span ${request.span_id})`;
}
