import { describe, expect, it } from "vitest";
import { AppRunnerService, type AppRunnerServiceProps } from "../../src/blocks/app-runner-service.js";
import { ContainerImage } from "../../src/blocks/container-image.js";
import { ServiceSecrets } from "../../src/blocks/service-secrets.js";
import { webService } from "../../src/blocks/web-service.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";
import { policyDocuments, type TerraformJson } from "../synth.js";

/** The parts of the synthesized service the tests read. */
interface ServiceJson {
  instance_configuration: Record<string, unknown>;
  health_check_configuration: { protocol: string; path?: string };
  source_configuration: { image_repository: { image_configuration: Record<string, unknown> } };
}

/** One App Runner service on a fresh stack. */
function synthService(overrides: Partial<AppRunnerServiceProps> = {}): TerraformJson {
  const { stack, naming, key, aws } = freshStack();
  const secrets = new ServiceSecrets(stack, "secrets", { naming, key });
  new AppRunnerService(stack, "web", {
    name: "svc-backend",
    image: new ContainerImage(stack, "image", { repository: "backend", tag: "v1" }),
    cpu: 1024,
    memoryMiB: 3072,
    port: 8080,
    healthCheckPath: "/healthz",
    minInstances: 1,
    maxInstances: 3,
    maxConcurrency: 50,
    environment: { DATA_SOURCE: "s3" },
    secrets: { TOKEN: secrets.secret("TOKEN") },
    secretStore: secrets,
    secretGrantSid: "Svc",
    statements: [{ sid: "ReadData", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::data/*"] }],
    key,
    aws,
    ...overrides,
  });
  return synthJson(stack);
}

const sidsOf = (json: TerraformJson, part: string) =>
  Object.entries(policyDocuments(json))
    .filter(([id]) => id.includes(part))
    .flatMap(([, d]) => d.statement.map((s) => s.sid));

describe("AppRunnerService", () => {
  const service = only(synthService(), "aws_apprunner_service") as unknown as ServiceJson;

  it("takes CPU and memory as numbers, and health-checks the path over HTTP", () => {
    expect(service.instance_configuration).toMatchObject({ cpu: "1024", memory: "3072" });
    expect(service.health_check_configuration).toMatchObject({ protocol: "HTTP", path: "/healthz" });
    expect(service.source_configuration.image_repository.image_configuration).toMatchObject({
      port: "8080",
      runtime_environment_variables: { DATA_SOURCE: "s3" },
    });
  });

  it("checks TCP without a path", () => {
    const tcp = only(
      synthService({ healthCheckPath: undefined }),
      "aws_apprunner_service",
    ) as unknown as ServiceJson;
    expect(tcp.health_check_configuration.protocol).toBe("TCP");
  });

  it("gives the instance role the code's statements, then the secrets; the access role only the pull", () => {
    const json = synthService();
    expect(sidsOf(json, "instance-role_permissions")).toEqual([
      "ReadData",
      "SvcReadSecrets",
      "SvcDecryptSecrets",
    ]);
    expect(sidsOf(json, "access-role_permissions")).toEqual(["AccessPullImage", "AccessEcrToken"]);
  });
});

describe("webService()", () => {
  it("picks the construct by platform", () => {
    const { stack, naming, key, aws } = freshStack();
    const secrets = new ServiceSecrets(stack, "secrets", { naming, key });
    const common = {
      name: "svc",
      image: new ContainerImage(stack, "image", { repository: "backend", tag: "v1" }),
      cpu: 256,
      memoryMiB: 512,
      port: 8080,
      healthCheckPath: "/healthz",
      minInstances: 1,
      maxInstances: 1,
      maxConcurrency: 10,
      environment: {},
      secrets: {},
      secretStore: secrets,
      secretGrantSid: "Svc",
      statements: [],
      key,
      aws,
      logRetentionDays: 7,
    };
    expect(webService(stack, "a", { platform: "app-runner", ...common })).toBeInstanceOf(AppRunnerService);
    expect(webService(stack, "e", { platform: "ecs-express", ...common }).logGroup).toBeDefined();
  });
});
