import { BatchGetTracesCommand, GetTraceSummariesCommand, type XRayClient } from "@aws-sdk/client-xray";
import { describe, expect, it } from "vitest";
import { findTrace, tracesBetween } from "../src/index.js";

/** An X-Ray client answering from `traces`, two summaries a page, as the real API pages them. */
function fakeXRay(traces: Record<string, string[]>, calls: string[][] = []): XRayClient {
  const ids = Object.keys(traces);
  return {
    send: async (command: unknown) => {
      if (command instanceof GetTraceSummariesCommand) {
        const start = Number(command.input.NextToken ?? 0);
        const page = ids.slice(start, start + 2);
        return {
          TraceSummaries: page.map((Id) => ({ Id })),
          NextToken: start + 2 < ids.length ? String(start + 2) : undefined,
        };
      }
      if (command instanceof BatchGetTracesCommand) {
        const asked = command.input.TraceIds ?? [];
        calls.push(asked);
        if (asked.length > 5) throw new Error("BatchGetTraces takes at most 5 ids");
        return {
          Traces: asked.map((Id) => ({
            Id,
            Segments: (traces[Id] ?? []).map((name, i) => ({
              Id: `${i}`,
              Document: JSON.stringify({ id: `${i}`, trace_id: Id, name, start_time: 1 }),
            })),
          })),
        };
      }
      throw new Error("unexpected command");
    },
  } as unknown as XRayClient;
}

describe("reading traces from X-Ray", () => {
  it("follows every summary page and asks for traces five at a time", async () => {
    const traces = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`1-t-${i}`, ["backend", "S3"]]));
    const calls: string[][] = [];
    const found = await tracesBetween(fakeXRay(traces, calls), new Date(0), new Date());
    expect(found.map((t) => t.id)).toEqual(Object.keys(traces));
    expect(calls.map((c) => c.length)).toEqual([5, 2]);
    expect(found[0]?.segments.map((s) => s.name)).toEqual(["backend", "S3"]);
  });

  it("findTrace returns the first trace that matches", async () => {
    const xray = fakeXRay({ "1-a": ["backend"], "1-b": ["backend", "S3"] });
    const trace = await findTrace(xray, new Date(), (t) => t.segments.some((s) => s.name === "S3"), 2_000);
    expect(trace.id).toBe("1-b");
  });

  it("findTrace fails with the traces it saw", async () => {
    const xray = fakeXRay({ "1-a": ["backend"] });
    await expect(findTrace(xray, new Date(), () => false, 600)).rejects.toThrow(
      /no matching trace in X-Ray after 0.6 s; traces seen: 1-a: backend/,
    );
  });
});
