import { describe, expect, it } from "vitest";
import { Permissions } from "../../src/blocks/grants.js";
import { BackendLogs } from "../../src/features/backend-logs.js";
import { freshStack, grantedStatements, only, synthJson } from "./fresh-stack.js";

function backendLogsStack() {
  const fresh = freshStack();
  const logs = new BackendLogs(fresh.stack, "backend-logs", {
    name: "trackgraph-test-backend-error-lines",
    logGroupName: "/ecs/trackgraph-test-backend",
    errorLinePattern: '{ $.level = "error" }',
    metricNamespace: "TrackGraph/Backend",
    metricName: "ErrorLogLines",
    aws: fresh.aws,
  });
  return { ...fresh, logs };
}

describe("BackendLogs", () => {
  it("counts error lines on the backend's group into one dimension-free metric, 0 for other lines", () => {
    const json = synthJson(backendLogsStack().stack);
    expect(only(json, "aws_cloudwatch_log_metric_filter")).toEqual({
      name: "trackgraph-test-backend-error-lines",
      log_group_name: "/ecs/trackgraph-test-backend",
      pattern: '{ $.level = "error" }',
      metric_transformation: {
        name: "ErrorLogLines",
        namespace: "TrackGraph/Backend",
        value: "1",
        default_value: "0",
        unit: "Count",
      },
    });
  });

  it("lets Grafana query this group only; stopping a query, which has no resource, on *", () => {
    const { stack, logs } = backendLogsStack();
    const grantee = new Permissions();
    logs.grantQueryLogs(grantee, "Grafana");
    const [query, results, ...others] = grantedStatements(stack, grantee);
    expect(others).toEqual([]);
    expect(query?.sid).toBe("GrafanaQueryLogs");
    expect(query?.resources).toEqual([
      expect.stringMatching(
        /:logs:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:log-group:\/ecs\/trackgraph-test-backend$/,
      ),
      expect.stringMatching(/:log-group:\/ecs\/trackgraph-test-backend:\*$/),
    ]);
    expect(query?.actions).toContain("logs:GetQueryResults");
    expect(results?.sid).toBe("GrafanaStopLogQueries");
    expect(results?.actions).toEqual(["logs:StopQuery"]);
  });
});
