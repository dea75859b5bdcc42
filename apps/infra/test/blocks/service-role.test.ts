import { describe, expect, it } from "vitest";
import { ServiceRole } from "../../src/blocks/service-role.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";
import { policyDocuments, resources } from "../synth.js";

describe("ServiceRole", () => {
  it("trusts one service for one account, and has no inline policy until it is granted something", () => {
    const { stack } = freshStack();
    new ServiceRole(stack, "bare", {
      name: "bare",
      service: "ecs.amazonaws.com",
      sourceAccount: "123456789012",
      managedPolicyArns: ["arn:aws:iam::aws:policy/Managed"],
    });
    const json = synthJson(stack);
    expect(resources(json, "aws_iam_role_policy")).toEqual([]);
    expect(only(json, "aws_iam_role_policy_attachment")).toMatchObject({
      policy_arn: "arn:aws:iam::aws:policy/Managed",
    });
    const trust = Object.entries(policyDocuments(json)).find(([id]) => id.startsWith("bare_trust"))?.[1];
    expect(trust?.statement[0]).toMatchObject({
      sid: "ServiceAssumes",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["ecs.amazonaws.com"] }],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
    });
  });

  it("keeps its statements, then the grants, in order, in one inline policy named like the role", () => {
    const { stack } = freshStack();
    const role = new ServiceRole(stack, "worker", {
      name: "worker",
      service: "lambda.amazonaws.com",
      statements: [{ sid: "First", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
    });
    role.addToPrincipalPolicy({
      sid: "Second",
      actions: ["sqs:SendMessage"],
      resources: ["arn:aws:sqs:::q"],
    });
    const json = synthJson(stack);
    expect(only(json, "aws_iam_role_policy")).toMatchObject({ name: "worker" });
    const policy = Object.entries(policyDocuments(json)).find(([id]) => id.startsWith("worker_permissions"));
    expect(policy?.[1].statement.map((s) => s.sid)).toEqual(["First", "Second"]);
  });

  it("refuses a statement that names no resource", () => {
    const { stack } = freshStack();
    const role = new ServiceRole(stack, "r", { name: "r", service: "lambda.amazonaws.com" });
    expect(() => role.addToPrincipalPolicy({ sid: "Nowhere", actions: ["s3:GetObject"] })).toThrow(
      /names no resource/,
    );
  });
});
