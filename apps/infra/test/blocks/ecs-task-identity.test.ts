import { describe, expect, it } from "vitest";
import { ContainerImage } from "../../src/blocks/container-image.js";
import { EcsTaskIdentity } from "../../src/blocks/ecs-task-identity.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";
import { policyDocuments, resources } from "../synth.js";

function identity() {
  const { stack, aws, key } = freshStack();
  const granted: string[] = [];
  new EcsTaskIdentity(stack, "identity", {
    name: "trackgraph-test-task",
    image: new ContainerImage(stack, "image", { repository: "collector-proxy", tag: "v1" }),
    key,
    aws,
    logRetentionDays: 14,
    grantSecrets: (role) => {
      granted.push("called");
      role.addToPrincipalPolicy({
        sid: "ReadTheSecret",
        actions: ["secretsmanager:GetSecretValue"],
        resources: ["arn:s"],
      });
    },
    statements: [{ sid: "CodeWrites", actions: ["xray:PutTraceSegments"], resources: ["*"] }],
  });
  return { json: synthJson(stack), granted };
}

describe("EcsTaskIdentity", () => {
  it("makes an encrypted log group with retention, and two roles ECS tasks of this account assume", () => {
    const { json } = identity();
    expect(only(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/trackgraph-test-task",
      retention_in_days: 14,
    });
    expect(resources(json, "aws_iam_role").map((r) => r.name)).toEqual([
      "trackgraph-test-task-execution",
      "trackgraph-test-task-task",
    ]);
    const trust = JSON.stringify(json.data.aws_iam_policy_document ?? {});
    expect(trust.split("ecs-tasks.amazonaws.com").length - 1).toBe(2);
  });

  it("gives the execution role pull, then secrets, then logs; the task role only the code's statements", () => {
    const { json, granted } = identity();
    expect(granted).toEqual(["called"]);
    const sids = Object.values(policyDocuments(json)).map((d) => d.statement.map((s) => s.sid ?? ""));
    const execution = sids.find((s) => s.includes("ExecutionWritesLogs")) ?? [];
    expect(execution.indexOf("ReadTheSecret")).toBeGreaterThan(-1);
    expect(execution.indexOf("ReadTheSecret")).toBeLessThan(execution.indexOf("ExecutionWritesLogs"));
    expect(execution.some((sid) => sid.startsWith("Execution") && sid !== "ExecutionWritesLogs")).toBe(true);
    expect(sids).toContainEqual(["CodeWrites"]);
  });
});
