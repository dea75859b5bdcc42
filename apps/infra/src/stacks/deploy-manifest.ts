import { AppRunnerService } from "../blocks/app-runner-service.js";
import { Naming } from "../blocks/naming.js";
import type { StackConfig } from "../config/load.js";
import { DASHBOARDS_SUFFIX } from "../config/load.js";
import type { TrackgraphConfig } from "../config/schema.js";
import { GRAFANA_TOKEN_SECONDS } from "../features/grafana-service-account.js";
import { IMAGE_CONTEXTS, IMAGE_ROLES, repositoryName } from "./images.js";
import type { TrackgraphStack } from "./trackgraph-stack.js";

/**
 * What `pnpm run deploy` needs to know about an environment beyond its Terraform JSON: the bootstrap stack
 * it stands on, the images to build and push, the secrets that must have values before any service
 * starts, and what the preflight checks in the account. Written next to the stack's cdk.tf.json as
 * deploy.json; the deploy workspace validates it (this file's shape is its contract).
 */
export interface DeployManifest {
  version: 1;
  stack: string;
  kind: "environment";
  region: string;
  accountId: string | null;
  /** Applied in this order once bootstrap and the secrets are in place. */
  stacks: string[];
  bootstrap: {
    stack: string;
    region: string;
    /** Known when the bootstrap config pins accountId; otherwise read from its outputs. */
    stateBucket: string | null;
    repositories: string[];
  } | null;
  state: { bucket: string; region: string } | null;
  /** `tag` null: the config pins `digest`, and the image must already be in the repository. */
  images: Array<{
    repository: string;
    region: string;
    tag: string | null;
    digest: string | null;
    context: string;
  }>;
  secrets: Array<{ name: string; env: string; generate: boolean; address: string }>;
  platform: TrackgraphConfig["backend"]["platform"];
  serviceLinkedRoles: string[];
  lambda: { reservedConcurrency: number | null };
  /**
   * The App Runner services of the stack, whose log groups App Runner makes itself (named with an id it
   * gives at creation), so Terraform cannot set their retention: the deploy does, after the apply.
   */
  appRunnerLogs: { services: string[]; retentionDays: number };
  grafana: {
    authentication: TrackgraphConfig["observability"]["grafana"]["authentication"];
    /** Outputs of the environment stack naming what the dashboards apply's token is minted for. */
    workspaceIdOutput: string;
    serviceAccountIdOutput: string;
    /** The token's lifetime: one apply of the dashboards stack. */
    tokenSeconds: number;
  };
}

/**
 * Services that act through a service-linked role the account may not have yet; creating it in Terraform
 * fails where it exists, so deploy creates the missing ones before the first apply.
 */
function serviceLinkedRoles(config: TrackgraphConfig): string[] {
  // The scraper always runs on Fargate; ECS Express (and the proxy behind its load balancer) adds ELB and scaling.
  const roles = ["ecs.amazonaws.com"];
  if (config.backend.platform === "ecs-express") {
    roles.push("elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com");
  } else {
    roles.push("apprunner.amazonaws.com");
  }
  return roles;
}

/** The bootstrap stack an environment stands on: same project and account (or the only one). */
export function bootstrapFor(config: TrackgraphConfig, candidates: StackConfig[]): StackConfig | undefined {
  const boots = candidates.filter(
    (c) => c.config.kind === "bootstrap" && c.config.project === config.project,
  );
  return (
    boots.find((b) => b.config.accountId === config.accountId) ?? (boots.length === 1 ? boots[0] : undefined)
  );
}

export function deployManifest(
  stackName: string,
  stack: TrackgraphStack,
  config: TrackgraphConfig,
  bootstrap: StackConfig | undefined,
): DeployManifest {
  const bootstrapNaming = bootstrap && new Naming(bootstrap.config, bootstrap.stack);
  const stateBucket = bootstrapNaming?.bucket("tfstate");
  return {
    version: 1,
    stack: stackName,
    kind: "environment",
    region: config.region,
    accountId: config.accountId ?? null,
    stacks: [stackName, `${stackName}${DASHBOARDS_SUFFIX}`],
    bootstrap:
      bootstrap === undefined
        ? null
        : {
            stack: bootstrap.stack,
            region: bootstrap.config.region,
            stateBucket: stateBucket !== undefined && "bucket" in stateBucket ? stateBucket.bucket : null,
            repositories: bootstrap.config.bootstrap.ecrRepositories.map((r) =>
              repositoryName(config.project, r),
            ),
          },
    state:
      config.state === undefined
        ? null
        : { bucket: config.state.bucket, region: config.state.region ?? config.region },
    images: IMAGE_ROLES.map((role) => ({
      repository: stack.images[role].repository,
      region: config.region,
      tag: stack.images[role].tag ?? null,
      digest: stack.images[role].digest ?? null,
      context: IMAGE_CONTEXTS[role],
    })),
    secrets: stack.secrets.created.map((s) => ({
      name: s.name,
      env: s.env,
      generate: s.generated,
      address: `aws_secretsmanager_secret.${s.resource.friendlyUniqueId}`,
    })),
    platform: config.backend.platform,
    serviceLinkedRoles: serviceLinkedRoles(config),
    lambda: { reservedConcurrency: config.logPipeline.reservedConcurrency ?? null },
    appRunnerLogs: {
      services: stack.node
        .findAll()
        .filter((c): c is AppRunnerService => c instanceof AppRunnerService)
        .map((s) => s.serviceName),
      retentionDays: config.observability.logRetentionDays,
    },
    grafana: {
      authentication: config.observability.grafana.authentication,
      workspaceIdOutput: "grafana_workspace_id",
      serviceAccountIdOutput: "grafana_service_account_id",
      tokenSeconds: GRAFANA_TOKEN_SECONDS,
    },
  };
}
