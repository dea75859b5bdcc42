// The seams between stacks and the order of a first apply, read from the synthesized JSON of every
// config we ship: what one stack looks up, another must create (same name, same region); what uses the
// CMK or a role must wait for the policy that admits it; every name must fit its service's limit.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/load.js";
import type { TrackgraphConfig } from "../src/config/schema.js";
import { MAX_STACK_PREFIX } from "../src/config/schema.js";
import { BootstrapStack } from "../src/stacks/bootstrap-stack.js";
import { DashboardsStack } from "../src/stacks/dashboards-stack.js";
import { deployManifest } from "../src/stacks/deploy-manifest.js";
import { AWS_PROVIDER_VERSION } from "../src/stacks/provider.js";
import { TrackgraphStack } from "../src/stacks/trackgraph-stack.js";
import type { TerraformJson } from "./synth.js";
import { artifacts } from "./synth.js";
import { type Address, TerraformGraph } from "./terraform-graph.js";

const configDir = join(import.meta.dirname, "..", "config");
const readConfig = (
  file: string,
  patch: (raw: { trackgraph: Record<string, unknown> }) => void = () => {},
) => {
  const raw = JSON.parse(readFileSync(join(configDir, file), "utf8")) as {
    trackgraph: Record<string, unknown>;
  };
  patch(raw);
  return parseStackConfig(file, JSON.stringify(raw));
};

interface Synthesized {
  name: string;
  config: TrackgraphConfig;
  json: TerraformJson;
}

function synthPair(
  label: string,
  bootstrapFile: string,
  envFile: string,
  envName: string,
  patch?: (raw: { trackgraph: Record<string, unknown> }) => void,
  bootstrapPatch?: (raw: { trackgraph: Record<string, unknown> }) => void,
) {
  const outdir = mkdtempSync(join(tmpdir(), "cross-stack-"));
  const app = new App({ outdir });
  const bootstrapConfig = readConfig(bootstrapFile, bootstrapPatch);
  const envConfig = readConfig(envFile, patch);
  const bootstrap = new BootstrapStack(app, { stackName: "bootstrap", config: bootstrapConfig });
  const env = new TrackgraphStack(app, {
    stackName: envName,
    config: envConfig,
    artifacts,
  });
  new DashboardsStack(app, { stackName: `${envName}-dashboards`, config: envConfig, observability: env });
  // The whole app, as `pnpm synth` writes it: cross-stack outputs exist only in an app-wide synth.
  app.synth();
  const read = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
  const synthesized = {
    label,
    manifest: deployManifest(envName, env, envConfig, {
      stack: bootstrap.node.id,
      file: bootstrapFile,
      config: bootstrapConfig,
    }),
    bootstrap: { name: bootstrap.node.id, config: bootstrapConfig, json: read(bootstrap.node.id) },
    env: { name: envName, config: envConfig, json: read(envName) },
    dashboards: { name: `${envName}-dashboards`, config: envConfig, json: read(`${envName}-dashboards`) },
  };
  rmSync(outdir, { recursive: true, force: true });
  return synthesized;
}

const pairs = [
  synthPair("dev", "bootstrap.json", "dev.json", "dev"),
  synthPair("example", "example-bootstrap.json", "example.json", "prod"),
  synthPair("example on app-runner", "example-bootstrap.json", "example.json", "prodrunner", (raw) => {
    raw.trackgraph.backend = { platform: "app-runner" };
  }),
  synthPair(
    "dev in a second region",
    "bootstrap.json",
    "dev.json",
    "deveu",
    (raw) => {
      raw.trackgraph.region = "eu-central-1";
    },
    (raw) => {
      raw.trackgraph.bootstrap = { imageRegions: ["eu-central-1"] };
    },
  ),
  synthPair("example on ecs-express", "example-bootstrap.json", "example.json", "prodexpress", (raw) => {
    raw.trackgraph.backend = { platform: "ecs-express" };
  }),
];

/** The region of the default (alias-less) AWS provider, or of the alias a block names. */
function regionOf(json: TerraformJson, body: Record<string, unknown>): string | undefined {
  const providers = (json.provider?.aws ?? []) as Array<{ alias?: string; region?: string }>;
  const alias = typeof body.provider === "string" ? body.provider.replace(/^aws\./, "") : undefined;
  return providers.find((p) => p.alias === alias)?.region;
}

describe.each(pairs)("cross-stack contract: $label", ({ bootstrap, env, dashboards, manifest }) => {
  it("every stack requires the pinned AWS provider release", () => {
    for (const json of [bootstrap.json, env.json]) {
      const required = json.terraform.required_providers as Record<string, { version: string }>;
      expect(required.aws?.version).toBe(AWS_PROVIDER_VERSION);
    }
  });

  it("the deploy manifest names what the stacks create: secrets, repositories, the state bucket", () => {
    const secrets = Object.keys(env.json.resource.aws_secretsmanager_secret ?? {}).map(
      (id) => `aws_secretsmanager_secret.${id}`,
    );
    expect(manifest.secrets.map((s) => s.address).sort()).toEqual(secrets.sort());
    expect(
      manifest.secrets
        .filter((s) => s.generate)
        .map((s) => s.env)
        .sort(),
    ).toEqual(["COLLECTOR_TOKEN", "METRICS_TOKEN"]);
    const repositories = new Set(
      Object.values(bootstrap.json.resource.aws_ecr_repository ?? {}).map((r) => r.name as string),
    );
    for (const image of manifest.images) {
      expect(repositories.has(image.repository), image.repository).toBe(true);
      expect(image.tag).toMatch(/^src-/);
      expect(image.digest).toBeNull();
    }
    const stateBucket = Object.values(bootstrap.json.resource.aws_s3_bucket ?? {}).find((b) =>
      String(b.bucket ?? b.bucket_prefix).includes("tfstate"),
    );
    expect(manifest.bootstrap?.stateBucket ?? null).toBe((stateBucket?.bucket as string | undefined) ?? null);
    expect(manifest.stacks).toEqual([env.name, dashboards.name]);
  });

  it("the deploy manifest names every App Runner service, whose log groups only the deploy can expire", () => {
    const services = Object.values(env.json.resource.aws_apprunner_service ?? {}).map(
      (s) => (s as { service_name: string }).service_name,
    );
    expect(manifest.appRunnerLogs.services.sort()).toEqual(services.sort());
    expect(manifest.appRunnerLogs.retentionDays).toBe(env.config.observability.logRetentionDays);
    if (env.config.backend.platform === "app-runner") expect(services.length).toBeGreaterThan(0);
  });

  it("every ECR repository the environment looks up is one bootstrap creates, in the same region", () => {
    const created = new Set(
      Object.values(bootstrap.json.resource.aws_ecr_repository ?? {}).map(
        (r) => `${regionOf(bootstrap.json, r)}:${r.name as string}`,
      ),
    );
    const lookups = Object.values(env.json.data.aws_ecr_repository ?? {});
    expect(lookups.length).toBeGreaterThan(0);
    const missing = lookups
      .map((d) => `${regionOf(env.json, d)}:${d.name as string}`)
      .filter((want) => !created.has(want));
    expect(missing, `bootstrap creates ${[...created].join(", ")}`).toEqual([]);
  });

  it("the environment's state bucket and key are the ones bootstrap creates, in its region", () => {
    const state = env.config.state;
    if (state === undefined) return; // local state: nothing to meet
    const bucket = Object.values(bootstrap.json.resource.aws_s3_bucket ?? {}).find((b) =>
      String(b.bucket ?? b.bucket_prefix).includes("tfstate"),
    );
    expect(bucket?.bucket, "bootstrap must pin accountId so its state bucket has a known name").toBe(
      state.bucket,
    );
    expect(state.region ?? env.config.region).toBe(
      regionOf(bootstrap.json, bucket as Record<string, unknown>),
    );
    // On the bootstrap's key: its alias, in the bootstrap's region and account.
    const alias = Object.values(bootstrap.json.resource.aws_kms_alias ?? {})[0]?.name as string;
    expect(state.kmsKeyArn).toBe(
      `arn:aws:kms:${regionOf(bootstrap.json, bucket as Record<string, unknown>)}:${bootstrap.config.accountId}:${alias}`,
    );
  });

  it("the dashboards stack reads only outputs the environment stack declares", () => {
    const outputs = new Set(Object.keys(env.json.output ?? {}));
    const remote = JSON.stringify(dashboards.json).matchAll(
      /terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g,
    );
    const read = [...remote].map((m) => m[1] as string);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((o) => !outputs.has(o))).toEqual([]);
  });

  it.each([
    ["bootstrap", bootstrap],
    ["environment", env],
  ] as const)(
    "in the %s stack, everything that uses a CMK waits for the key policy",
    (_, stack: Synthesized) => {
      const graph = new TerraformGraph(stack.json);
      const problems: string[] = [];
      for (const key of graph.ofType("aws_kms_key")) {
        const policy = graph.ofType("aws_kms_key_policy").find((p) => graph.dependencies(p).has(key));
        expect(policy, `${key} has a key policy`).toBeDefined();
        for (const user of graph.referrers(key)) {
          if (user.startsWith("data.") || /^aws_(kms_alias|kms_key_policy|iam_[a-z_]+)\./.test(user))
            continue;
          if (graph.dependencies(policy as Address).has(user)) {
            problems.push(`${user} uses ${key} but the key policy waits for it (a cycle)`);
          } else if (!graph.dependencies(user).has(policy as Address)) {
            problems.push(`${user} uses ${key} before its key policy exists`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each([
    ["bootstrap", bootstrap],
    ["environment", env],
  ] as const)(
    "in the %s stack, everything that runs as a role waits for the role's policies",
    (_, stack: Synthesized) => {
      const graph = new TerraformGraph(stack.json);
      const problems: string[] = [];
      for (const role of graph.ofType("aws_iam_role")) {
        const policies = graph
          .referrers(role)
          .filter((a) => /^aws_iam_(role_policy|role_policy_attachment)\./.test(a));
        for (const user of graph.referrers(role)) {
          if (user.startsWith("data.") || user.startsWith("aws_iam_")) continue;
          for (const policy of policies) {
            if (!graph.dependencies(user).has(policy))
              problems.push(`${user} runs as ${role} before ${policy}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

/** AWS's documented length limits for the names we set. */
const NAME_LIMITS: Record<string, Record<string, number>> = {
  aws_iam_role: { name: 64 },
  aws_iam_role_policy: { name: 128 },
  aws_lambda_function: { function_name: 64 },
  aws_s3_bucket: { bucket: 63, bucket_prefix: 37 },
  aws_lb: { name: 32 },
  aws_lb_target_group: { name: 32 },
  aws_sqs_queue: { name: 80 },
  aws_dynamodb_table: { name: 255 },
  aws_sns_topic: { name: 256 },
  aws_cloudwatch_log_group: { name: 512 },
  aws_cloudwatch_metric_alarm: { alarm_name: 255 },
  aws_ecs_cluster: { name: 255 },
  aws_ecs_service: { name: 255 },
  aws_ecs_task_definition: { family: 255 },
  aws_ecs_express_gateway_service: { service_name: 255 },
  aws_apprunner_service: { service_name: 40 },
  aws_apprunner_auto_scaling_configuration_version: { auto_scaling_configuration_name: 32 },
  aws_apprunner_observability_configuration: { observability_configuration_name: 32 },
  aws_secretsmanager_secret: { name: 512 },
  aws_ecr_repository: { name: 256 },
  aws_kms_alias: { name: 256 },
  aws_grafana_workspace: { name: 255 },
  aws_grafana_workspace_service_account: { name: 128 },
  aws_prometheus_workspace: { alias: 100 },
  aws_xray_sampling_rule: { rule_name: 32 },
  aws_xray_group: { group_name: 32 },
  aws_security_group: { name: 255 },
};

/** Every literal name in `json` longer than its service allows (NAME_LIMITS), as `type.id.attribute = value`. */
function namesOverLimit(json: TerraformJson): string[] {
  return Object.entries(NAME_LIMITS).flatMap(([type, limits]) =>
    Object.entries(json.resource[type] ?? {}).flatMap(([id, body]) =>
      Object.entries(limits).flatMap(([attribute, max]) => {
        const value = body[attribute];
        return typeof value === "string" && !value.includes("${") && value.length > max
          ? [`${type}.${id}.${attribute} = ${value} (${value.length} > ${max})`]
          : [];
      }),
    ),
  );
}

describe("names fit AWS's limits for the longest project and stack names the schema accepts", () => {
  const project = "p".repeat(32 - 1).padEnd(32, "x");
  const stack = "s".repeat(MAX_STACK_PREFIX - project.length - 1);

  it("the loader refuses a stack name one character longer", () => {
    expect(() =>
      parseStackConfig(`${stack}x.json`, JSON.stringify({ trackgraph: { project } }), `${stack}x`),
    ).toThrow(/stack name/);
  });

  it.each(["app-runner", "ecs-express"] as const)("on %s", (platform) => {
    const config = parseStackConfig(
      `${stack}.json`,
      JSON.stringify({ trackgraph: { project, accountId: "123456789012", backend: { platform } } }),
      stack,
    );
    const app = Testing.app();
    const env = new TrackgraphStack(app, { stackName: stack, config, artifacts });
    const boot = new BootstrapStack(app, {
      stackName: `${stack.slice(0, -1)}b`,
      config: {
        ...config,
        kind: "bootstrap",
        github: {
          repository: "a/b",
          deployBranch: "main",
          deployEnvironment: "production",
          oidcProvider: "create",
        },
      },
    });
    const tooLong = [env, boot].flatMap((s) =>
      namesOverLimit(JSON.parse(Testing.synth(s, true)) as TerraformJson),
    );
    expect(tooLong).toEqual([]);
  });
});

describe("deploy.json for a digest-pinned image", () => {
  it("names the digest and no tag, so the deploy checks the image instead of building it", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const config = parseStackConfig(
      "prod.json",
      JSON.stringify({ trackgraph: { backend: { image: { repository: "backend", digest } } } }),
    );
    const stack = new TrackgraphStack(Testing.app(), { stackName: "prod", config, artifacts });
    const backend = deployManifest("prod", stack, config, undefined).images.find((i) =>
      i.repository.endsWith("/backend"),
    );
    expect(backend).toMatchObject({ repository: "trackgraph/backend", tag: null, digest });
  });
});
