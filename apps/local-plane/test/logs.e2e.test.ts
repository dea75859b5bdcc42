import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backendLogLines,
  findTrace,
  type LocalPlane,
  logLinesOfTrace,
  startLocalPlane,
} from "../src/index.js";
import { startEcsTaskMetadata } from "./ecs-metadata.js";
import { eventually, newXRayRoot } from "./helpers.js";

let plane: LocalPlane;
let taskMetadata: Awaited<ReturnType<typeof startEcsTaskMetadata>>;
const faultDir = mkdtempSync(join(tmpdir(), "plane-logs-"));
const faultFile = join(faultDir, "fault");
// As ECS Express runs the backend: its container logs to `/ecs/<service name>` (EcsTaskIdentity in infra).
const TASK = {
  region: "us-east-1",
  account: "123456789012",
  cluster: "default",
  taskId: "8f03e41243824aea923aca126495f665",
  logGroup: "/ecs/trackgraph-local-backend",
  logStream: "trackgraph-local-backend/backend/8f03e41243824aea923aca126495f665",
};

beforeAll(async () => {
  taskMetadata = await startEcsTaskMetadata(TASK);
  plane = await startLocalPlane({
    backendEnv: {
      // The backend's fault switch (honoured on the plane only) makes the error request.
      TRACKGRAPH_FAULT_FILE: faultFile,
      // What Fargate sets in every container: the bootstrap's ECS detector reads the task's log group there.
      ECS_CONTAINER_METADATA_URI_V4: taskMetadata.uri,
    },
  });
});
afterAll(async () => {
  await plane?.stop();
  await taskMetadata?.close();
  rmSync(faultDir, { recursive: true, force: true });
});

const SECRETS = { header: "Bearer plane-header-secret-0123", query: "plane-query-secret-4567" };

describe("the backend's log lines on the local plane, joined to X-Ray", () => {
  it("one traced request: a trace in X-Ray and log lines with the same trace id, and no secret", async () => {
    const since = new Date();
    const root = newXRayRoot();
    const response = await fetch(`${plane.urls.backend}/graph?limit=3`, {
      headers: { "x-amzn-trace-id": root.header, authorization: SECRETS.header },
    });
    expect(response.status).toBe(200);
    const trace = await findTrace(plane.xray, since, (t) => t.id === root.xrayId && t.segments.length >= 3);
    const segment = trace.segments.find((s) => s.type !== "subsegment");
    const [line] = await eventually("the request's log line", async () => {
      const lines = logLinesOfTrace(backendLogLines(plane), root.xrayId);
      return lines.length > 0 ? lines : undefined;
    });
    expect(line).toMatchObject({
      msg: "request",
      level: "info",
      trace_id: root.traceId,
      xray_trace_id: trace.id,
      // The backend's span is X-Ray's segment: one id in both.
      span_id: segment?.id,
      route: "/graph",
      status: 200,
    });
    await (await fetch(`${plane.urls.backend}/summary?token=${SECRETS.query}`)).text();
    await eventually("the 400's line", async () =>
      backendLogLines(plane).find((l) => l.status === 400 && l.route === "/summary"),
    );
    expect(plane.backend.output()).not.toContain(SECRETS.header.slice(7));
    expect(plane.backend.output()).not.toContain(SECRETS.query);
  });

  it("the trace names the log group its lines are in, as Grafana's trace-to-logs link needs", async () => {
    // X-Ray's segment carries `aws.cloudwatch_logs` when the span's resource has `aws.log.group.*`; the
    // X-Ray data source's "CloudWatch Logs" link queries those groups. On ECS the bootstrap's detector
    // reads them from the task metadata; the proxy's awsxray exporter writes them.
    const since = new Date();
    const root = newXRayRoot();
    await (
      await fetch(`${plane.urls.backend}/graph?limit=1`, { headers: { "x-amzn-trace-id": root.header } })
    ).text();
    const trace = await findTrace(plane.xray, since, (t) => t.id === root.xrayId);
    const segment = trace.segments.find((s) => s.type !== "subsegment");
    expect(taskMetadata.requests).toEqual(expect.arrayContaining(["/v4", "/v4/task"]));
    expect(segment?.aws?.cloudwatch_logs).toEqual([
      {
        log_group: TASK.logGroup,
        arn: `arn:aws:logs:${TASK.region}:${TASK.account}:log-group:${TASK.logGroup}`,
      },
    ]);
    expect(segment?.aws?.ecs).toMatchObject({ task_arn: expect.stringContaining(TASK.taskId) });
  });

  it("one failed request: an error line with its stack and the trace id X-Ray holds", async () => {
    const since = new Date();
    const root = newXRayRoot();
    writeFileSync(faultFile, "");
    try {
      const response = await fetch(`${plane.urls.backend}/summary?limit=2`, {
        headers: { "x-amzn-trace-id": root.header, authorization: SECRETS.header },
      });
      expect(response.status).toBe(503);
      await response.text();
    } finally {
      rmSync(faultFile, { force: true });
    }
    const trace = await findTrace(plane.xray, since, (t) => t.id === root.xrayId);
    const lines = await eventually("the failed request's lines", async () => {
      const found = logLinesOfTrace(backendLogLines(plane), trace.id);
      return found.length >= 2 ? found : undefined;
    });
    const error = lines.find((l) => l.level === "error");
    expect(error).toMatchObject({ msg: "request failed", route: "/summary", xray_trace_id: trace.id });
    expect(String((error?.err as { stack?: string } | undefined)?.stack)).toMatch(
      /^InjectedFault: fault switch on .*\n\s+at /,
    );
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ status: 503 });
    expect(plane.backend.output()).not.toContain(SECRETS.header.slice(7));
  });
});
