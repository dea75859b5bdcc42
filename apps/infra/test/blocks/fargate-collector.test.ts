import { describe, expect, it } from "vitest";
import { ContainerImage } from "../../src/blocks/container-image.js";
import { COLLECTOR_CONTAINER, FargateCollector } from "../../src/blocks/fargate-collector.js";
import { ServiceSecrets } from "../../src/blocks/service-secrets.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";
import { policyDocuments, resources } from "../synth.js";

interface Options {
  readonly ingress?: ReadonlyArray<{ port: number; description: string; securityGroupId: string }>;
  readonly singleton?: boolean;
  readonly assignPublicIp?: boolean;
}

function collector(options: Options = {}) {
  const { stack, aws, key, naming } = freshStack();
  const secrets = new ServiceSecrets(stack, "secrets", { naming, key });
  new FargateCollector(stack, "collector", {
    name: "trackgraph-test-scraper",
    description: "the scraper",
    image: new ContainerImage(stack, "image", { repository: "collector-scraper", tag: "v1" }),
    key,
    aws,
    logRetentionDays: 30,
    network: {
      vpcId: "vpc-1",
      vpcCidr: "10.0.0.0/16",
      subnetIds: ["subnet-1"],
      assignPublicIp: options.assignPublicIp ?? false,
    },
    cpu: 256,
    memoryMiB: 512,
    environment: { MODE: "scrape" },
    secrets: { TOKEN: secrets.secret("TOKEN") },
    secretStore: secrets,
    statements: [{ sid: "WriteMetrics", actions: ["aps:RemoteWrite"], resources: ["arn:aws:aps:x"] }],
    ingress: options.ingress ?? [],
    desiredCount: 1,
    singleton: options.singleton ?? true,
  });
  return synthJson(stack);
}

function container(json: ReturnType<typeof synthJson>) {
  const definitions = JSON.parse(String(only(json, "aws_ecs_task_definition").container_definitions));
  return definitions[0] as Record<string, unknown>;
}

describe("FargateCollector", () => {
  it("runs the image read-only with its health check, logs to its own encrypted group", () => {
    const out = collector();
    expect(only(out, "aws_ecs_task_definition")).toMatchObject({
      family: "trackgraph-test-scraper",
      requires_compatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
    });
    expect(container(out)).toMatchObject({
      name: COLLECTOR_CONTAINER,
      readonlyRootFilesystem: true,
      healthCheck: { command: ["/healthcheck"] },
      environment: [{ name: "MODE", value: "scrape" }],
      secrets: [{ name: "TOKEN" }],
    });
    expect(only(out, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/trackgraph-test-scraper",
      retention_in_days: 30,
    });
    expect(String(only(out, "aws_cloudwatch_log_group").kms_key_id)).toMatch(/aws_kms_key\./);
  });

  it("admits nothing without ingress, and exactly the given ports from the given groups", () => {
    const closed = only(collector(), "aws_security_group") as { ingress: unknown[] };
    expect(closed.ingress).toEqual([]);
    const open = only(
      collector({ ingress: [{ port: 4318, description: "OTLP from the ALB", securityGroupId: "sg-alb" }] }),
      "aws_security_group",
    ) as { ingress: Array<Record<string, unknown>> };
    expect(open.ingress).toEqual([
      expect.objectContaining({
        from_port: 4318,
        to_port: 4318,
        security_groups: ["sg-alb"],
        cidr_blocks: [],
      }),
    ]);
  });

  it("never runs two singleton tasks at once; several otherwise", () => {
    const service = only(collector({ assignPublicIp: true }), "aws_ecs_service");
    expect(service).toMatchObject({ network_configuration: { assign_public_ip: true } });
    expect(service).toMatchObject({ deployment_maximum_percent: 100, deployment_minimum_healthy_percent: 0 });

    const many = only(collector({ singleton: false }), "aws_ecs_service");
    expect(many).not.toHaveProperty("deployment_maximum_percent");
  });

  it("gives the execution role the image, the secrets and the logs, and the task role only the code's statements", () => {
    const documents = Object.values(policyDocuments(collector()));
    const sids = documents.map((d) => d.statement.map((s) => s.sid));
    expect(sids).toContainEqual(["WriteMetrics"]);
    const execution = sids.find((s) => s.includes("ExecutionWritesLogs"));
    expect(execution).toEqual(expect.arrayContaining(["ExecutionReadSecrets", "ExecutionWritesLogs"]));
    expect(resources(collector(), "aws_iam_role").map((r) => r.name)).toEqual([
      "trackgraph-test-scraper-execution",
      "trackgraph-test-scraper-task",
    ]);
  });
});
