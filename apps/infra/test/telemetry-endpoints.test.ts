import { COLLECTOR_ENV, imageConfigYaml } from "@trackgraph/collector";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { synthStack, type TerraformJson } from "./synth.js";

/**
 * No telemetry endpoint is reachable from the internet without authentication. Each collector service in
 * the synthesized JSON either admits nothing from outside the VPC (security groups, an internal load
 * balancer) or, where the platform makes it public (App Runner), exposes only a port whose receiver
 * demands the bearer token, with the token coming from Secrets Manager.
 */

interface SecurityGroupRule {
  description?: string;
  from_port: number;
  to_port: number;
  cidr_blocks?: string[];
  ipv6_cidr_blocks?: string[];
  prefix_list_ids?: string[];
  security_groups?: string[];
  self?: boolean;
}
interface SecurityGroup {
  vpc_id: string;
  ingress?: SecurityGroupRule[];
}
interface EcsService {
  name: string;
  task_definition: string;
  network_configuration: { security_groups: string[] };
  load_balancer?: Array<{ target_group_arn: string; container_port: number }>;
}
interface ContainerDefinition {
  image: string;
  environment?: Array<{ name: string; value: string }>;
  secrets?: Array<{ name: string; valueFrom: string }>;
}
interface AppRunnerService {
  service_name: string;
  source_configuration: {
    image_repository: {
      image_identifier: string;
      image_configuration: {
        port: string;
        runtime_environment_variables?: Record<string, string>;
        runtime_environment_secrets?: Record<string, string>;
      };
    };
  };
}
interface LoadBalancer {
  internal?: boolean;
  security_groups: string[];
}
interface Listener {
  load_balancer_arn: string;
  default_action: Array<{ type: string; target_group_arn?: string }>;
}

type CollectorRole = "proxy" | "scraper";

/** The block a Terraform reference (`${type.id.attr}` or `${data.type.id.attr}`) points at. */
function target<T>(json: TerraformJson, ref: string, type: string): { id: string; block: T } {
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(ref);
  if (match === null || match[2] !== type) throw new Error(`${ref} is not a reference to a ${type}`);
  const blocks = match[1] === undefined ? json.resource[type] : json.data[type];
  const block = blocks?.[match[3] as string];
  if (block === undefined) throw new Error(`${ref} points at nothing`);
  return { id: match[3] as string, block: block as T };
}

/** Which collector an image reference runs (`${data.aws_ecr_repository.X.repository_url}:tag`), if any. */
function collectorOf(json: TerraformJson, image: string): CollectorRole | undefined {
  const ref = /^(\$\{data\.aws_ecr_repository\.[^}]+\})[:@]/.exec(image)?.[1];
  if (ref === undefined) return undefined;
  const name = String(target<{ name: string }>(json, ref, "aws_ecr_repository").block.name);
  return /collector-proxy$/.test(name) ? "proxy" : /collector-scraper$/.test(name) ? "scraper" : undefined;
}

function blocksOf<T>(json: TerraformJson, type: string): Array<[string, T]> {
  return Object.entries(json.resource[type] ?? {}) as Array<[string, T]>;
}

interface EcsCollector {
  role: CollectorRole;
  service: EcsService;
  container: ContainerDefinition;
}

function ecsCollectors(json: TerraformJson): EcsCollector[] {
  return blocksOf<EcsService>(json, "aws_ecs_service").flatMap(([, service]) => {
    const task = target<{ container_definitions: string }>(
      json,
      service.task_definition,
      "aws_ecs_task_definition",
    );
    const containers = JSON.parse(task.block.container_definitions) as ContainerDefinition[];
    return containers.flatMap((container) => {
      const role = collectorOf(json, container.image);
      return role === undefined ? [] : [{ role, service, container }];
    });
  });
}

function appRunnerCollectors(json: TerraformJson): Array<{ role: CollectorRole; service: AppRunnerService }> {
  return blocksOf<AppRunnerService>(json, "aws_apprunner_service").flatMap(([, service]) => {
    const role = collectorOf(json, service.source_configuration.image_repository.image_identifier);
    return role === undefined ? [] : [{ role, service }];
  });
}

/** Why an ingress rule could admit a source outside the VPC that `group` lives in; empty when it cannot. */
function openings(json: TerraformJson, group: SecurityGroup, rule: SecurityGroupRule): string[] {
  const vpc = /^\$\{data\.aws_vpc\.([^.}]+)\.id\}$/.exec(group.vpc_id)?.[1];
  const vpcCidr = vpc === undefined ? undefined : `\${data.aws_vpc.${vpc}.cidr_block}`;
  const why: string[] = [];
  for (const cidr of rule.cidr_blocks ?? []) if (cidr !== vpcCidr) why.push(`from ${cidr}`);
  for (const cidr of rule.ipv6_cidr_blocks ?? []) why.push(`from IPv6 ${cidr}`);
  for (const list of rule.prefix_list_ids ?? []) why.push(`from prefix list ${list}`);
  // A security group is scoped to one VPC, so a rule naming one admits only members inside it; it must
  // still be a group of this stack.
  for (const source of rule.security_groups ?? []) target<SecurityGroup>(json, source, "aws_security_group");
  return why;
}

/** Ingress rules defined outside a security group's own block (they would add to what it admits). */
function detachedIngress(json: TerraformJson): string[] {
  const legacy = blocksOf<{ type: string; security_group_id: string }>(json, "aws_security_group_rule")
    .filter(([, rule]) => rule.type === "ingress")
    .map(([, rule]) => rule.security_group_id);
  const vpcRules = blocksOf<{ security_group_id: string }>(json, "aws_vpc_security_group_ingress_rule").map(
    ([, rule]) => rule.security_group_id,
  );
  return [...legacy, ...vpcRules];
}

/** The environment variable a `${env:NAME}` value reads. */
function envName(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{env:([A-Z_][A-Z0-9_]*)\}$/.exec(value)?.[1] : undefined;
}

type Config = Record<string, Record<string, unknown> | undefined>;

/**
 * Receivers of a collector config that accept connections without a bearer token: every server block of a
 * listening receiver (each OTLP protocol, anything else with an endpoint) must name a bearertokenauth
 * extension as its authenticator. Prometheus receivers scrape (they open no port); any other receiver type
 * without a server block is reported too, to be judged by a person rather than passed.
 */
function unauthenticatedListeners(config: Config): string[] {
  const extensions = config.extensions ?? {};
  const bearer = (id: unknown) =>
    typeof id === "string" && Object.hasOwn(extensions, id) && id.split("/")[0] === "bearertokenauth";
  const found: string[] = [];
  for (const [id, receiver] of Object.entries(config.receivers ?? {})) {
    const type = id.split("/")[0];
    if (type === "prometheus") continue;
    const settings = (receiver ?? {}) as Record<string, unknown>;
    const servers: Array<[string, Record<string, unknown>]> =
      type === "otlp"
        ? Object.entries((settings.protocols ?? {}) as Record<string, Record<string, unknown> | null>).map(
            ([protocol, server]) => [`${id} ${protocol}`, server ?? {}],
          )
        : "endpoint" in settings
          ? [[id, settings]]
          : [];
    if (servers.length === 0) found.push(`${id}: no server block this test understands`);
    for (const [what, server] of servers) {
      const auth = server.auth as { authenticator?: unknown } | undefined;
      if (!bearer(auth?.authenticator)) found.push(`${what}: no bearertokenauth authenticator`);
    }
  }
  return found;
}

/** The protocols (server blocks) of a config's `otlp` receiver. */
function otlpProtocols(config: Config): Record<string, Record<string, unknown>> {
  const otlp = config.receivers?.otlp as { protocols?: Record<string, Record<string, unknown>> } | undefined;
  if (otlp?.protocols === undefined) throw new Error("the config has no otlp receiver with protocols");
  return otlp.protocols;
}

const proxyConfig = parse(imageConfigYaml("proxy")) as Config;
/** The port the proxy's OTLP/HTTP receiver listens on, as `${env:OTLP_PORT:-4318}` resolves without OTLP_PORT. */
const otlpHttp = otlpProtocols(proxyConfig).http as { endpoint: string };
const otlpDefaultPort = /:\$\{env:OTLP_PORT:-(\d+)\}$/.exec(otlpHttp.endpoint)?.[1];

describe("the proxy's image config", () => {
  it("puts a bearer-token authenticator on every receiver that listens on the network", () => {
    expect(unauthenticatedListeners(proxyConfig)).toEqual([]);
    const token = (proxyConfig.extensions?.bearertokenauth as { token?: unknown } | undefined)?.token;
    expect(envName(token)).toBe(COLLECTOR_ENV.proxyToken);
    expect(proxyConfig.service?.extensions).toContain("bearertokenauth");
  });

  it("a listener without the authenticator is reported", () => {
    const open = parse(imageConfigYaml("proxy")) as Config;
    const http = otlpProtocols(open).http;
    expect(http?.auth).toBeDefined();
    delete http?.auth;
    (open.receivers as Record<string, unknown>)["otlp/grpc"] = {
      protocols: { grpc: { endpoint: "0.0.0.0:4317", auth: { authenticator: "health_check" } } },
    };
    (open.receivers as Record<string, unknown>).zipkin = { endpoint: "0.0.0.0:9411" };
    (open.receivers as Record<string, unknown>).hostmetrics = { collection_interval: "10s" };
    expect(unauthenticatedListeners(open)).toEqual([
      "otlp http: no bearertokenauth authenticator",
      "otlp/grpc grpc: no bearertokenauth authenticator",
      "zipkin: no bearertokenauth authenticator",
      "hostmetrics: no server block this test understands",
    ]);
  });
});

/** The listener's load balancer is internal and admits OTLP from the VPC's range only, by named groups. */
function expectInternalOtlpOnly(json: TerraformJson, listener: Listener, detached: string[]): void {
  const lb = target<LoadBalancer>(json, listener.load_balancer_arn, "aws_lb").block;
  expect(lb.internal).toBe(true);
  for (const ref of lb.security_groups) {
    const group = target<SecurityGroup>(json, ref, "aws_security_group").block;
    expect(group.ingress?.length).toBeGreaterThan(0);
    for (const rule of group.ingress ?? []) {
      expect(openings(json, group, rule), ref).toEqual([]);
      expect(rule.security_groups ?? [], "only the VPC's range, named").toEqual([]);
      expect([rule.from_port, rule.to_port]).toEqual([Number(otlpDefaultPort), Number(otlpDefaultPort)]);
    }
    expect(detached).not.toContain(ref);
  }
}

/** Every ingress rule of the group names only these source groups, and no address range. */
function expectAdmitsOnlyGroups(group: SecurityGroup, sources: readonly string[]): void {
  for (const rule of group.ingress ?? []) {
    expect(rule.cidr_blocks ?? []).toEqual([]);
    for (const source of rule.security_groups ?? []) expect(sources).toContain(source);
  }
}

describe.each(["app-runner", "ecs-express"] as const)("backend.platform %s", (platform) => {
  const { json } = synthStack({ backend: { platform } });
  const ecs = ecsCollectors(json);
  const appRunner = appRunnerCollectors(json);
  const detached = detachedIngress(json);

  it("runs exactly one proxy and one scraper", () => {
    const where = [
      ...ecs.map((c) => `${c.role} on ECS`),
      ...appRunner.map((c) => `${c.role} on App Runner`),
    ].sort();
    expect(where).toEqual(
      platform === "app-runner"
        ? ["proxy on App Runner", "scraper on ECS"]
        : ["proxy on ECS", "scraper on ECS"],
    );
  });

  it("the scraper's security groups admit no inbound traffic at all", () => {
    const scraper = ecs.find((c) => c.role === "scraper");
    expect(scraper?.service.load_balancer).toBeUndefined();
    expect(scraper?.service.network_configuration.security_groups.length).toBeGreaterThan(0);
    for (const ref of scraper?.service.network_configuration.security_groups ?? []) {
      const group = target<SecurityGroup>(json, ref, "aws_security_group");
      expect(group.block.ingress ?? [], ref).toEqual([]);
      expect(detached).not.toContain(ref);
    }
  });

  it("every collector task's security groups admit only sources inside the VPC", () => {
    for (const { role, service } of ecs) {
      for (const ref of service.network_configuration.security_groups) {
        const group = target<SecurityGroup>(json, ref, "aws_security_group").block;
        for (const rule of group.ingress ?? [])
          expect(openings(json, group, rule), `${role}: ${ref}`).toEqual([]);
        expect(detached).not.toContain(ref);
      }
    }
  });

  if (platform === "ecs-express") {
    it("the proxy is reached through an internal load balancer that admits OTLP from inside the VPC only", () => {
      const proxy = ecs.find((c) => c.role === "proxy");
      const targetGroups = (proxy?.service.load_balancer ?? []).map((lb) => lb.target_group_arn);
      expect(targetGroups).toHaveLength(1);
      const listeners = blocksOf<Listener>(json, "aws_lb_listener").filter(([, l]) =>
        l.default_action.some((a) => targetGroups.includes(a.target_group_arn ?? "")),
      );
      expect(listeners.length).toBeGreaterThan(0);
      for (const [, listener] of listeners) expectInternalOtlpOnly(json, listener, detached);
      // The proxy tasks admit only the load balancer's security groups.
      const lbGroups = listeners.flatMap(
        ([, l]) => target<LoadBalancer>(json, l.load_balancer_arn, "aws_lb").block.security_groups,
      );
      for (const ref of proxy?.service.network_configuration.security_groups ?? [])
        expectAdmitsOnlyGroups(target<SecurityGroup>(json, ref, "aws_security_group").block, lbGroups);
    });

    it("the proxy task still takes its bearer token from Secrets Manager", () => {
      const proxy = ecs.find((c) => c.role === "proxy");
      const token = proxy?.container.secrets?.find((s) => s.name === COLLECTOR_ENV.proxyToken);
      expect(token?.valueFrom).toMatch(/^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}$/);
      target(json, token?.valueFrom ?? "", "aws_secretsmanager_secret");
      expect(proxy?.container.environment?.map((e) => e.name)).not.toContain(COLLECTOR_ENV.proxyToken);
    });
  } else {
    const proxy = appRunner.find((c) => c.role === "proxy")?.service;
    const image = proxy?.source_configuration.image_repository.image_configuration;

    it("the public proxy exposes only the OTLP port, whose receiver demands the bearer token", () => {
      // App Runner routes the internet to this one port; the health (13133) and telemetry (8888) ports are
      // not reachable from outside the instance.
      expect(otlpDefaultPort).toBeDefined();
      expect(image?.port).toBe(otlpDefaultPort);
      expect(Object.keys(image?.runtime_environment_variables ?? {})).not.toContain(COLLECTOR_ENV.otlpPort);
      expect(unauthenticatedListeners(proxyConfig)).toEqual([]);
    });

    it("the proxy's COLLECTOR_TOKEN comes from Secrets Manager, never from a plain variable", () => {
      const ref = image?.runtime_environment_secrets?.[COLLECTOR_ENV.proxyToken];
      expect(ref).toMatch(/^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}$/);
      target(json, ref ?? "", "aws_secretsmanager_secret");
      expect(Object.keys(image?.runtime_environment_variables ?? {})).not.toContain(COLLECTOR_ENV.proxyToken);
    });
  }
});
