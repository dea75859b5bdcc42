import { readFileSync } from "node:fs";
import type { PeerProcess } from "@trackgraph/test-peers";

/** One JSON log line of the backend, parsed (see the bootstrap's LOG_FIELDS and the backend's fields). */
export type BackendLogLine = Record<string, unknown>;

/**
 * The JSON lines in a process's captured output. Anything else (a stderr message, a first line cut by
 * the capture's window, a line still being written) is skipped.
 */
export function parseLogLines(text: string): BackendLogLine[] {
  const lines: BackendLogLine[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.startsWith("{") || !raw.endsWith("}")) continue;
    try {
      lines.push(JSON.parse(raw) as BackendLogLine);
    } catch {
      // Not a whole JSON line: the start of the capture window, or a line still being written.
    }
  }
  return lines;
}

/**
 * The backend's log lines: every one, from the file its output goes to (the plane starts it with one);
 * without a file, the newest within the capture's 20 kB window.
 */
export function backendLogLines(plane: {
  backend: Pick<PeerProcess, "output" | "outputFile">;
}): BackendLogLine[] {
  const file = plane.backend.outputFile;
  return parseLogLines(file === undefined ? plane.backend.output() : readFileSync(file, "utf8"));
}

/** The lines of one trace, by its X-Ray id (`1-…-…`) or its 32-digit W3C id. */
export function logLinesOfTrace(lines: BackendLogLine[], traceId: string): BackendLogLine[] {
  const w3c = traceId.startsWith("1-") ? traceId.slice(2).replace("-", "") : traceId;
  return lines.filter((line) => line.trace_id === w3c || line.xray_trace_id === traceId);
}
