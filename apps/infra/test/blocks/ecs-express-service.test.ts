import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsScope } from "../../src/blocks/aws-scope.js";
import { ContainerImage } from "../../src/blocks/container-image.js";
import { EcsExpressService, type EcsExpressServiceProps } from "../../src/blocks/ecs-express-service.js";
import { EncryptionKey } from "../../src/blocks/encryption-key.js";
import { Naming } from "../../src/blocks/naming.js";
import { ServiceSecrets } from "../../src/blocks/service-secrets.js";
import { policyDocuments, resources, type TerraformJson } from "../synth.js";

/** One ECS Express service on its own stack, synthesized and read directly. */
function synthService(overrides: Partial<EcsExpressServiceProps>): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "svc");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const aws = new AwsScope(stack, "aws-scope");
  const key = new EncryptionKey(stack, "key", { alias: "svc", description: "test", aws });
  const secrets = new ServiceSecrets(stack, "secrets", {
    naming: new Naming({ project: "p" }, "s"),
    key,
  });
  new EcsExpressService(stack, "web", {
    name: "svc-backend",
    image: new ContainerImage(stack, "image", { repository: "backend", tag: "v1" }),
    cpu: 1024,
    memoryMiB: 2048,
    port: 8080,
    healthCheckPath: "/healthz",
    minInstances: 2,
    maxInstances: 6,
    maxConcurrency: 80,
    environment: { DATA_SOURCE: "s3" },
    secrets: { METRICS_TOKEN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metrics" },
    secretStore: secrets,
    secretGrantSid: "Svc",
    statements: [{ sid: "ReadData", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::data/*"] }],
    key,
    aws,
    logRetentionDays: 30,
    ...overrides,
  });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

describe("EcsExpressService", () => {
  const json = synthService({});
  // biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; the test reads nested blocks.
  const service = resources(json, "aws_ecs_express_gateway_service")[0] as Record<string, any>;

  it("runs the same image, port, environment, secrets and health check as on App Runner", () => {
    expect(service.health_check_path).toBe("/healthz");
    expect(service.cpu).toBe("1024");
    expect(service.memory).toBe("2048");
    const [container] = service.primary_container;
    expect(container.image).toMatch(/repository_url\}:v1$/);
    expect(container.container_port).toBe(8080);
    expect(container.environment).toEqual([{ name: "DATA_SOURCE", value: "s3" }]);
    expect(container.secret).toEqual([
      { name: "METRICS_TOKEN", value_from: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metrics" },
    ]);
    expect(container.aws_logs_configuration[0].log_group).toMatch(/aws_cloudwatch_log_group\./);
  });

  it("keeps the scaling bounds", () => {
    expect(service.scaling_target).toEqual([
      {
        min_task_count: 2,
        max_task_count: 6,
        auto_scaling_metric: "REQUEST_COUNT_PER_TARGET",
        auto_scaling_target_value: 80,
      },
    ]);
  });

  it("splits the roles: execution pulls, reads secrets and logs; the task role has the code's permissions", () => {
    const docs = policyDocuments(json);
    const sids = (part: string) =>
      Object.entries(docs)
        .filter(([id]) => id.includes(part))
        .flatMap(([, d]) => d.statement.map((s) => s.sid));
    expect(sids("execution-role_permissions")).toEqual([
      "ExecutionPullImage",
      "ExecutionEcrToken",
      "SvcReadSecrets",
      "SvcDecryptSecrets",
      "ExecutionWritesLogs",
    ]);
    expect(sids("task-role_permissions")).toEqual(["ReadData"]);
    expect(resources(json, "aws_cloudwatch_log_group")[0]).toMatchObject({
      name: "/ecs/svc-backend",
      retention_in_days: 30,
    });
  });

  it("refuses a TCP-only health check, which Express Mode cannot do", () => {
    expect(() => synthService({ healthCheckPath: undefined as unknown as string })).toThrow(
      /has no TCP check/,
    );
  });
});
