import { BatchGetTracesCommand, GetTraceSummariesCommand, type XRayClient } from "@aws-sdk/client-xray";

/** The fields of an X-Ray segment document this project reads. */
export interface XRaySegment {
  id: string;
  trace_id: string;
  parent_id?: string;
  name: string;
  type?: "subsegment";
  namespace?: "aws" | "remote";
  start_time: number;
  end_time?: number;
  http?: { request?: { method?: string; url?: string }; response?: { status?: number } };
  aws?: { operation?: string; [key: string]: unknown };
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface XRayTrace {
  id: string;
  segments: XRaySegment[];
}

/** The traces X-Ray reports for a time window, with their segment documents parsed. */
export async function tracesBetween(xray: XRayClient, start: Date, end: Date): Promise<XRayTrace[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await xray.send(
      new GetTraceSummariesCommand({ StartTime: start, EndTime: end, NextToken: token }),
    );
    for (const summary of page.TraceSummaries ?? []) if (summary.Id) ids.push(summary.Id);
    token = page.NextToken;
  } while (token);
  const traces: XRayTrace[] = [];
  // BatchGetTraces takes at most 5 ids a call.
  for (let i = 0; i < ids.length; i += 5) {
    const batch = await xray.send(new BatchGetTracesCommand({ TraceIds: ids.slice(i, i + 5) }));
    for (const trace of batch.Traces ?? []) {
      traces.push({
        id: trace.Id ?? "",
        segments: (trace.Segments ?? []).map((s) => JSON.parse(s.Document ?? "{}") as XRaySegment),
      });
    }
  }
  return traces;
}

/** Polls X-Ray until a trace in the window satisfies `accept`; fails after `timeoutMs` with what it saw. */
export async function findTrace(
  xray: XRayClient,
  since: Date,
  accept: (trace: XRayTrace) => boolean,
  timeoutMs = 30_000,
): Promise<XRayTrace> {
  const deadline = Date.now() + timeoutMs;
  let seen: XRayTrace[] = [];
  while (Date.now() < deadline) {
    seen = await tracesBetween(xray, new Date(since.getTime() - 60_000), new Date(Date.now() + 60_000));
    const found = seen.find(accept);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  const names = seen.map((t) => `${t.id}: ${t.segments.map((s) => s.name).join(", ")}`);
  throw new Error(
    `no matching trace in X-Ray after ${timeoutMs / 1000} s; traces seen: ${names.length === 0 ? "none" : names.join("; ")}`,
  );
}
