import { describe, expect, it } from "vitest";
import { type PolicyStatementJson, policyDocuments, synthBootstrap, synthStack } from "./synth.js";

/**
 * Statements allowed a "*" resource, each because the service has no resource-level permissions for the
 * action, or because it is a key policy (where "*" means the key itself).
 */
const STAR_RESOURCE_ALLOWED: Record<string, string> = {
  PublishCloudFrontMetrics:
    "cloudwatch:PutMetricData has no resource-level permissions (limited by a namespace condition)",
  WriteTraces:
    "xray:PutTraceSegments, PutTelemetryRecords and the sampling APIs have no resource-level permissions",
  AccessEcrToken: "ecr:GetAuthorizationToken has no resource-level permissions",
  ExecutionEcrToken: "ecr:GetAuthorizationToken has no resource-level permissions",
  ListPrometheusWorkspaces: "aps:ListWorkspaces has no resource-level permissions",
  ReadCloudWatchMetrics: "CloudWatch metric reads have no resource-level permissions",
  ReadTraces: "X-Ray's trace reads have no resource-level permissions",
  BackendStopLogQueries: "logs:StopQuery has no resource-level permissions",
  ServiceLinkedRoles:
    "iam:CreateServiceLinkedRole, in the boundary, limited by an iam:AWSServiceName condition",
};

/** Documents that are permissions boundaries: a ceiling, not a grant; "*" there reaches nothing by itself. */
const BOUNDARIES = /^workload-boundary-policy/;

function everyStatement(): Array<[string, PolicyStatementJson]> {
  const stacks = [
    synthStack({
      domain: { name: "a.example.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" },
      backend: { platform: "app-runner" },
    }).json,
    synthStack({ backend: { platform: "ecs-express" } }).json,
    synthBootstrap(),
  ];
  return stacks.flatMap((json) =>
    Object.entries(policyDocuments(json)).flatMap(([id, doc]) =>
      doc.statement.map((s): [string, PolicyStatementJson] => [id, s]),
    ),
  );
}

describe("IAM in the synthesized stacks", () => {
  const statements = everyStatement();

  it("finds every policy document (so the checks below are not vacuous)", () => {
    expect(statements.length).toBeGreaterThan(20);
  });

  it("grants no bare * action anywhere, and no service wildcard outside the key's administrator statement", () => {
    for (const [id, s] of statements) {
      if (s.effect === "Deny") continue;
      if (s.not_actions !== undefined) {
        expect(`${id}/${s.sid}`, "an Allow with NotAction grants nearly everything").toMatch(BOUNDARIES);
        continue;
      }
      for (const action of s.actions) {
        expect(action, `${id}/${s.sid}`).not.toBe("*");
        if (action.endsWith(":*"))
          expect(`${id}/${s.sid}`).toMatch(/^key_policy-document.*\/AccountAdministers$/);
      }
    }
  });

  it("uses a * resource only where the service requires it, or in key policies", () => {
    for (const [id, s] of statements) {
      if (s.effect === "Deny" || !(s.resources ?? []).includes("*")) continue;
      const allowed =
        id.startsWith("key_policy-document") ||
        BOUNDARIES.test(id) ||
        STAR_RESOURCE_ALLOWED[s.sid] !== undefined;
      expect(allowed, `${id}/${s.sid} has resource "*"`).toBe(true);
    }
  });

  it("lets service principals in only with a condition that names our account or resource", () => {
    for (const [id, s] of statements) {
      const services = (s.principals ?? []).filter((p) => p.type === "Service").flatMap((p) => p.identifiers);
      if (services.length === 0 || (s.actions ?? []).every((a) => a.startsWith("sts:"))) continue;
      expect(s.condition?.length ?? 0, `${id}/${s.sid} (${services.join(", ")})`).toBeGreaterThan(0);
    }
  });
});
