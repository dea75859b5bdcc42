import { randomBytes } from "node:crypto";
import { findTrace } from "@trackgraph/local-plane";
import { CheckFailed, type CheckResult, runCheck } from "../report.js";
import type { ValidationTarget } from "../target.js";

/** A new X-Ray trace root and the header a caller (a load balancer, App Runner) would send with it. */
function traceRoot(): { id: string; header: string } {
  const id = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  return { id, header: `Root=${id};Parent=${randomBytes(8).toString("hex")};Sampled=1` };
}

/**
 * Check 1 of the design: traces appear in X-Ray once the backend is up. Sends one request with a sampled
 * X-Amzn-Trace-Id and waits for that trace, with the backend's segment and an S3 subsegment, in X-Ray.
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
      try {
        const trace = await findTrace(
          target.xray,
          since,
          (t) => t.id === root.id && t.segments.some((s) => s.namespace === "aws"),
          target.timeoutSeconds * 1000,
        );
        const backend = trace.segments.find((s) => s.type !== "subsegment");
        const aws = trace.segments
          .filter((s) => s.namespace === "aws")
          .map((s) => `${s.name} ${s.aws?.operation}`);
        return `trace ${trace.id}: segment ${backend?.name} (HTTP ${backend?.http?.response?.status}) with subsegments ${aws.join(", ")}`;
      } catch (error) {
        throw new CheckFailed(
          `no trace ${root.id} in X-Ray after ${target.timeoutSeconds} s`,
          await traceCause(target, error),
        );
      }
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
