import { defaultBackendLogGroup } from "@trackgraph/dashboards";
import { describe, expect, it } from "vitest";
import { policyDocuments, resources, synthStack } from "./synth.js";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; these tests read nested blocks.
type Block = Record<string, any>;

const { json } = synthStack({ environment: "prod", backend: { platform: "app-runner" } });
const one = (type: string) => {
  const all = resources(json, type);
  expect(all, type).toHaveLength(1);
  return all[0] as Block;
};
const statementsOf = (idPart: string) =>
  Object.entries(policyDocuments(json))
    .filter(([id]) => id.includes(idPart))
    .flatMap(([, doc]) => doc.statement);

describe("backend delivery on App Runner (accounts that already use it)", () => {
  const services = resources(json, "aws_apprunner_service") as Block[];
  const backend = services.find((s) => String(s.service_name).endsWith("-backend")) as Block;
  const image = backend.source_configuration.image_repository;

  it("runs the configured ECR image on port 8080 with the /healthz check", () => {
    expect(image.image_repository_type).toBe("ECR");
    expect(image.image_identifier).toMatch(
      /^\$\{data\.aws_ecr_repository\.backend-service_.*\.repository_url\}:src-backend0+$/,
    );
    expect(image.image_configuration.port).toBe("8080");
    expect(backend.health_check_configuration).toMatchObject({ protocol: "HTTP", path: "/healthz" });
    expect(backend.source_configuration.auto_deployments_enabled).toBe(false);
  });

  it("scales between the configured bounds and traces with X-Ray", () => {
    const scaling = resources(json, "aws_apprunner_auto_scaling_configuration_version").find((s) =>
      String(s.auto_scaling_configuration_name).endsWith("backend"),
    );
    expect(scaling).toMatchObject({ min_size: 1, max_size: 4, max_concurrency: 100 });
    expect(backend.observability_configuration.observability_enabled).toBe(true);
    expect(resources(json, "aws_apprunner_observability_configuration")[0]).toMatchObject({
      trace_configuration: { vendor: "AWSXRAY" },
    });
  });

  it("fills secrets from Secrets Manager and never holds a secret value", () => {
    const secrets = image.image_configuration.runtime_environment_secrets;
    expect(Object.keys(secrets).sort()).toEqual(["METRICS_TOKEN", "TRACKGRAPH_OTEL_BEARER_TOKEN"]);
    for (const arn of Object.values(secrets)) expect(arn).toMatch(/^\$\{aws_secretsmanager_secret\./);
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    const env = image.image_configuration.runtime_environment_variables;
    expect(env).toMatchObject({ DATA_SOURCE: "s3", OTEL_SERVICE_NAME: "trackgraph-backend" });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https:\/\/\$\{aws_apprunner_service\.telemetry-proxy_/);
    expect(JSON.stringify(env)).not.toMatch(/TOKEN=|Bearer/);
  });

  it("gives the instance role exactly its secrets, the Spotify data bucket and X-Ray writes", () => {
    const statements = statementsOf("backend-service_instance-role_permissions");
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.BackendReadSecrets?.resources).toEqual(
      Object.values(image.image_configuration.runtime_environment_secrets),
    );
    expect(bySid.ReadSpotifyData?.actions).toEqual(["s3:GetObject"]);
    expect(bySid.ListSpotifyData?.resources?.[0]).toMatch(/aws_s3_bucket\.storage_spotify-data/);
    expect(bySid.WriteTraces?.actions).toEqual(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
    const access = statementsOf("backend-service_access-role_permissions").map((s) => s.sid);
    expect(access).toEqual(["AccessPullImage", "AccessEcrToken"]);
  });

  it("takes a digest instead of a tag when the config gives one", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = synthStack({
      backend: { platform: "app-runner", image: { repository: "backend", digest } },
    }).json;
    const service = (resources(pinned, "aws_apprunner_service") as Block[]).find((s) =>
      String(s.service_name).endsWith("-backend"),
    );
    expect(service?.source_configuration.image_repository.image_identifier).toMatch(
      new RegExp(`@${digest}$`),
    );
  });
});

describe("the observability plane", () => {
  it("has an X-Ray sampling rule and group for the backend", () => {
    expect(one("aws_xray_sampling_rule")).toMatchObject({
      service_name: "trackgraph-backend",
      fixed_rate: 0.05,
      reservoir_size: 1,
    });
    expect(one("aws_xray_group").filter_expression).toBe('service("trackgraph-backend")');
  });

  it("has an AMP workspace, encrypted, logging to a log group with retention", () => {
    const workspace = one("aws_prometheus_workspace");
    expect(workspace.kms_key_arn).toMatch(/aws_kms_key/);
    expect(workspace.logging_configuration.log_group_arn).toMatch(
      /aws_cloudwatch_log_group\.telemetry_prometheus-log-group.*:\*$/,
    );
    const groups = resources(json, "aws_cloudwatch_log_group");
    for (const group of groups) expect(group.retention_in_days, String(group.name)).toBeGreaterThan(0);
  });

  it("has a Grafana workspace with Identity Center by default, SAML from config, and the three data sources", () => {
    expect(one("aws_grafana_workspace")).toMatchObject({
      authentication_providers: ["AWS_SSO"],
      permission_type: "SERVICE_MANAGED",
      data_sources: ["PROMETHEUS", "CLOUDWATCH", "XRAY"],
    });
    const saml = synthStack({ observability: { grafana: { authentication: "SAML" } } }).json;
    expect(resources(saml, "aws_grafana_workspace")[0]?.authentication_providers).toEqual(["SAML"]);
  });

  it("lets both collectors remote-write to exactly this workspace", () => {
    const writes = Object.values(policyDocuments(json))
      .flatMap((d) => d.statement)
      .filter((s) => s.actions.includes("aps:RemoteWrite"));
    expect(writes.map((s) => s.sid).sort()).toEqual(["ProxyRemoteWrite", "ScraperRemoteWrite"]);
    for (const s of writes)
      expect(s.resources).toEqual([expect.stringMatching(/^\$\{aws_prometheus_workspace\./)]);
  });

  it("runs the proxy on App Runner (TCP check: its port answers 401 without the token) and the scraper on Fargate", () => {
    const proxy = (resources(json, "aws_apprunner_service") as Block[]).find((s) =>
      String(s.service_name).endsWith("telemetry-proxy"),
    );
    expect(proxy?.health_check_configuration.protocol).toBe("TCP");
    expect(
      proxy?.source_configuration.image_repository.image_configuration.runtime_environment_variables,
    ).toMatchObject({
      AMP_REMOTE_WRITE_URL: expect.stringMatching(/prometheus_endpoint\}api\/v1\/remote_write$/),
    });
    const task = one("aws_ecs_task_definition");
    const [container] = JSON.parse(task.container_definitions);
    expect(container.environment).toContainEqual({
      name: "BACKEND_METRICS_TARGET",
      value: expect.stringMatching(/aws_apprunner_service\.backend-service_.*\.service_url\}:443$/),
    });
    expect(container.secrets[0].name).toBe("BACKEND_METRICS_TOKEN");
    expect(one("aws_ecs_service")).toMatchObject({ desired_count: 1, launch_type: "FARGATE" });
  });

  it("outputs the URLs a user needs", () => {
    expect(Object.keys(json.output)).toEqual(
      expect.arrayContaining([
        "backend_url",
        "collector_endpoint",
        "amp_remote_write_url",
        "amp_query_url",
        "grafana_url",
      ]),
    );
  });
});

describe("backend.platform: ecs-express", () => {
  const express = synthStack({ backend: { platform: "ecs-express" } }).json;
  const only = (type: string) => {
    const all = resources(express, type);
    expect(all, type).toHaveLength(1);
    return all[0] as Block;
  };
  const statementsIn = (idPart: string) =>
    Object.entries(policyDocuments(express))
      .filter(([id]) => id.includes(idPart))
      .flatMap(([, doc]) => doc.statement);
  const backend = only("aws_ecs_express_gateway_service");
  const container = backend.primary_container[0];
  const env = Object.fromEntries(container.environment.map((e: Block) => [e.name, e.value]));
  const proxyTask = (resources(express, "aws_ecs_task_definition") as Block[]).find((t) =>
    String(t.family).endsWith("telemetry-proxy"),
  ) as Block;
  const [proxyContainer] = JSON.parse(proxyTask.container_definitions);

  it("creates no App Runner resource", () => {
    for (const type of Object.keys(express.resource)) expect(type).not.toMatch(/^aws_apprunner_/);
  });

  it("runs the same image, port, health check, environment and scaling bounds as an Express service", () => {
    expect(container.image).toMatch(
      /^\$\{data\.aws_ecr_repository\.backend-service_.*\.repository_url\}:src-backend0+$/,
    );
    expect(container.container_port).toBe(8080);
    expect(backend.health_check_path).toBe("/healthz");
    expect(env).toMatchObject({ DATA_SOURCE: "s3", OTEL_SERVICE_NAME: "trackgraph-backend" });
    expect(backend.scaling_target[0]).toMatchObject({ min_task_count: 1, max_task_count: 4 });
    expect(container.aws_logs_configuration[0].log_group).toMatch(
      /aws_cloudwatch_log_group\.backend-service_/,
    );
  });

  it("logs to /ecs/<service>, the group the dashboards read by default and the ECS detector puts on traces", () => {
    // The bootstrap's ECS detector reads `awslogs-group` from the task metadata into `aws.log.group.names`,
    // which X-Ray's trace-to-logs link queries (the local plane's logs e2e test shows that path).
    const [id, group] = Object.entries(express.resource.aws_cloudwatch_log_group ?? {}).find(([, g]) =>
      String((g as Block).name).endsWith("-backend"),
    ) as [string, Block];
    expect(container.aws_logs_configuration[0].log_group).toBe(`\${aws_cloudwatch_log_group.${id}.name}`);
    expect(group.name).toBe(defaultBackendLogGroup("test"));
  });

  it("sets nothing that could turn on the local plane's fault switch", () => {
    // The backend honours TRACKGRAPH_FAULT_FILE only as environment "local" with a loopback AWS endpoint.
    const names = [...Object.keys(env), ...container.secret.map((s: Block) => s.name)];
    expect(names).not.toContain("TRACKGRAPH_FAULT_FILE");
    expect(names).not.toContain("AWS_ENDPOINT_URL");
    expect(env.OTEL_RESOURCE_ATTRIBUTES).not.toMatch(/deployment\.environment\.name=local\b/);
  });

  it("fills the same secrets from Secrets Manager through the execution role, which reads exactly them", () => {
    const secrets = Object.fromEntries(container.secret.map((s: Block) => [s.name, s.value_from]));
    expect(Object.keys(secrets).sort()).toEqual(["METRICS_TOKEN", "TRACKGRAPH_OTEL_BEARER_TOKEN"]);
    const execution = Object.fromEntries(
      statementsIn("backend-service_task_execution-role_permissions").map((s) => [s.sid, s]),
    );
    expect(execution.BackendReadSecrets?.resources?.sort()).toEqual(Object.values(secrets).sort());
    const task = statementsIn("backend-service_task_task-role_permissions").map((s) => s.sid);
    expect(task).toEqual(["ListSpotifyData", "ReadSpotifyData", "DecryptSpotifyData", "WriteTraces"]);
  });

  it("sends OTLP to the proxy's internal load balancer, which forwards to Fargate and health-checks port 13133", () => {
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(
      /^http:\/\/\$\{aws_lb\.telemetry-proxy_load-balancer_.*\.dns_name\}:4318$/,
    );
    expect(only("aws_lb")).toMatchObject({
      internal: true,
      load_balancer_type: "application",
      drop_invalid_header_fields: true,
    });
    expect(only("aws_lb_listener")).toMatchObject({ port: 4318, protocol: "HTTP" });
    expect(only("aws_lb_target_group")).toMatchObject({
      port: 4318,
      target_type: "ip",
      health_check: { port: "13133", path: "/", matcher: "200" },
    });
    const service = (resources(express, "aws_ecs_service") as Block[]).find((s) =>
      String(s.name).endsWith("telemetry-proxy"),
    ) as Block;
    expect(service.load_balancer[0]).toMatchObject({ container_name: "collector", container_port: 4318 });
    expect(service.depends_on).toEqual([expect.stringMatching(/^aws_lb_listener\./)]);
    expect(only("aws_appautoscaling_target")).toMatchObject({ min_capacity: 1, max_capacity: 2 });
    expect(only("aws_appautoscaling_policy").target_tracking_scaling_policy_configuration).toMatchObject({
      predefined_metric_specification: { predefined_metric_type: "ALBRequestCountPerTarget" },
    });
  });

  it("runs the proxy image with its token and AMP URL, reachable only from its load balancer", () => {
    expect(proxyContainer.portMappings.map((p: Block) => p.containerPort)).toEqual([4318, 13133]);
    expect(proxyContainer.secrets).toEqual([
      { name: "COLLECTOR_TOKEN", valueFrom: expect.stringMatching(/secrets_COLLECTOR_TOKEN/) },
    ]);
    expect(proxyContainer.environment).toContainEqual({
      name: "AMP_REMOTE_WRITE_URL",
      value: expect.stringMatching(/prometheus_endpoint\}api\/v1\/remote_write$/),
    });
    const groups = resources(express, "aws_security_group") as Block[];
    const lbGroup = groups.find((g) => String(g.name).endsWith("telemetry-proxy-lb")) as Block;
    const taskGroup = groups.find((g) => String(g.name).endsWith("telemetry-proxy")) as Block;
    expect(lbGroup.ingress).toEqual([
      expect.objectContaining({
        from_port: 4318,
        cidr_blocks: [expect.stringMatching(/^\$\{data\.aws_vpc\.default-vpc\.cidr_block\}$/)],
      }),
    ]);
    expect(taskGroup.ingress.map((r: Block) => [r.from_port, r.security_groups])).toEqual([
      [4318, [expect.stringMatching(/aws_security_group\.telemetry-proxy_lb-security-group_.*\.id/)]],
      [13133, [expect.stringMatching(/aws_security_group\.telemetry-proxy_lb-security-group_.*\.id/)]],
    ]);
    const task = statementsIn("telemetry-proxy_collector_task-identity_task-role_permissions").map(
      (s) => s.sid,
    );
    expect(task).toEqual(["ProxyRemoteWrite", "WriteTraces"]);
  });

  it("points the scraper at the Express endpoint and outputs the same URLs", () => {
    const scraper = (resources(express, "aws_ecs_task_definition") as Block[]).find((t) =>
      String(t.family).endsWith("metrics-scraper"),
    ) as Block;
    expect(JSON.parse(scraper.container_definitions)[0].environment).toContainEqual({
      name: "BACKEND_METRICS_TARGET",
      value: expect.stringMatching(
        /aws_ecs_express_gateway_service\.backend-service_.*ingress_paths\[0\]\.endpoint\}:443$/,
      ),
    });
    expect(express.output.backend_url?.value).toMatch(/^https:\/\/\$\{aws_ecs_express_gateway_service\./);
    expect(express.output.collector_endpoint?.value).toBe(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  });

  it("keeps the load balancer's deletion protection on, except on disposable stacks", () => {
    expect(only("aws_lb").enable_deletion_protection).toBe(true);
    const dev = synthStack({ backend: { platform: "ecs-express" }, disposable: true }).json;
    expect(resources(dev, "aws_lb")[0]?.enable_deletion_protection).toBe(false);
  });
});
