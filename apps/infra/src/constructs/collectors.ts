import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { COLLECTOR_ENV, COLLECTOR_MEMORY_MIB } from "@trackgraph/collector";
import { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import type { Naming } from "../stacks/naming.js";
import { checkovSkips } from "./checkov.js";
import { ContainerImage } from "./container-image.js";
import { EcsTaskIdentity } from "./ecs-task-identity.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { ServiceSecrets } from "./service-secrets.js";
import type { TelemetryPlane } from "./telemetry-plane.js";
import { WebService } from "./web-service.js";

export interface NetworkPlacement {
  vpcId: string;
  subnetIds: string[];
  assignPublicIp: boolean;
}

/** The configured subnets, or the default VPC's. */
export function networkPlacement(scope: Construct, config: TrackgraphConfig): NetworkPlacement {
  const network = config.network;
  if (network.vpcId !== undefined && network.subnetIds !== undefined)
    return { vpcId: network.vpcId, subnetIds: network.subnetIds, assignPublicIp: network.assignPublicIp };
  const vpc = new DataAwsVpc(scope, "default-vpc", { default: true });
  const subnets = new DataAwsSubnets(scope, "default-subnets", {
    filter: [{ name: "vpc-id", values: [vpc.id] }],
  });
  return { vpcId: vpc.id, subnetIds: subnets.ids, assignPublicIp: network.assignPublicIp };
}

export interface TelemetryProxyProps {
  naming: Naming;
  config: TrackgraphConfig;
  key: EncryptionKey;
  plane: TelemetryPlane;
  secrets: ServiceSecrets;
}

/**
 * The ADOT telemetry proxy on App Runner: OTLP/HTTP in (bearer token from Secrets Manager), traces to X-Ray,
 * metrics (its own and pushed ones) to exactly this stack's AMP workspace.
 */
export class TelemetryProxy extends Construct {
  readonly service: WebService;
  readonly tokenSecret: string;

  constructor(scope: Construct, id: string, props: TelemetryProxyProps) {
    super(scope, id);
    const { naming, config, key, plane, secrets } = props;
    if (config.backend.platform !== "app-runner")
      throw new Error(
        "the telemetry proxy runs on App Runner only so far: ECS Express Mode health-checks an HTTP path on the container port, and every path of the OTLP port answers 401 without the token",
      );
    this.tokenSecret = secrets.secret(COLLECTOR_ENV.proxyToken, {
      description: "Bearer token OTLP clients send to the telemetry proxy",
    });
    const image = new ContainerImage(this, "image", config.observability.collectors.proxyImage);
    this.service = new WebService(this, "service", {
      platform: "app-runner",
      name: naming.name("telemetry-proxy"),
      image,
      size: `1024/${COLLECTOR_MEMORY_MIB.proxy}`,
      port: 4318,
      minInstances: 1,
      maxInstances: 2,
      maxConcurrency: 100,
      environment: {
        [COLLECTOR_ENV.region]: key.region,
        [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
        [COLLECTOR_ENV.scrapeInterval]: config.observability.collectors.scrapeInterval,
      },
      secrets: { [COLLECTOR_ENV.proxyToken]: this.tokenSecret },
      secretStatements: secrets.readStatements("Proxy", [this.tokenSecret]),
      statements: [
        plane.remoteWriteStatement("Proxy"),
        {
          // X-Ray's trace and sampling APIs have no resource-level permissions: "*" is required.
          sid: "WriteTraces",
          actions: [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
          ],
          resources: ["*"],
        },
      ],
      key,
      logRetentionDays: config.observability.logRetentionDays,
    });
  }
}

export interface MetricsScraperProps {
  naming: Naming;
  config: TrackgraphConfig;
  key: EncryptionKey;
  plane: TelemetryPlane;
  secrets: ServiceSecrets;
  network: NetworkPlacement;
  /** `host:port` of the backend's metrics endpoint (HTTPS). */
  backendTarget: string;
}

/**
 * The ADOT collector on ECS Fargate that scrapes the backend's /metrics (with METRICS_TOKEN) and
 * remote-writes to this stack's AMP workspace: one task, no inbound traffic, HTTPS out.
 */
export class MetricsScraper extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: MetricsScraperProps) {
    super(scope, id);
    const { naming, config, key, plane, secrets, network } = props;
    const name = naming.name("metrics-scraper");
    const image = new ContainerImage(this, "image", config.observability.collectors.scraperImage);
    const identity = new EcsTaskIdentity(this, "task-identity", {
      name,
      image,
      key,
      logRetentionDays: config.observability.logRetentionDays,
      secretStatements: secrets.readStatements("Execution", [secrets.arn("METRICS_TOKEN")]),
      statements: [plane.remoteWriteStatement("Scraper")],
    });
    this.logGroup = identity.logGroup;
    this.cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: "enhanced" }],
    });
    const environment = {
      [COLLECTOR_ENV.region]: key.region,
      [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
      [COLLECTOR_ENV.backendTarget]: props.backendTarget,
      [COLLECTOR_ENV.backendScheme]: "https",
      [COLLECTOR_ENV.scrapeInterval]: config.observability.collectors.scrapeInterval,
    };
    const taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: String(COLLECTOR_MEMORY_MIB.scraper),
      executionRoleArn: identity.executionRole.arn,
      taskRoleArn: identity.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      containerDefinitions: JSON.stringify([
        {
          name: "collector",
          image: image.uri,
          essential: true,
          readonlyRootFilesystem: true,
          environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })),
          secrets: [{ name: COLLECTOR_ENV.backendToken, valueFrom: secrets.arn("METRICS_TOKEN") }],
          healthCheck: { command: ["/healthcheck"], interval: 15, timeout: 5, retries: 3, startPeriod: 20 },
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": this.logGroup.name,
              "awslogs-region": key.region,
              "awslogs-stream-prefix": "collector",
            },
          },
        },
      ]),
    });
    const securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description:
        "TrackGraph metrics scraper: no inbound; HTTPS out to the backend, AMP, ECR and Secrets Manager",
      vpcId: network.vpcId,
      egress: [
        {
          description: "HTTPS to the backend, AMP, ECR and Secrets Manager",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: [],
          prefixListIds: [],
          securityGroups: [],
          selfAttribute: false,
        },
      ],
    });
    this.service = new EcsService(this, "service", {
      name,
      cluster: this.cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: 1,
      launchType: "FARGATE",
      // One scraper: two would scrape and write every series twice.
      deploymentMaximumPercent: 100,
      deploymentMinimumHealthyPercent: 0,
      networkConfiguration: {
        subnets: network.subnetIds,
        securityGroups: [securityGroup.id],
        assignPublicIp: network.assignPublicIp,
      },
      propagateTags: "SERVICE",
    });
    if (network.assignPublicIp)
      checkovSkips(this.service, [
        "CKV_AWS_333: the default VPC's subnets have no NAT gateway, so the task needs a public IP to reach ECR, AMP and Secrets Manager; its security group admits no inbound traffic. Give network.subnetIds (private, with NAT or endpoints) and assignPublicIp: false to drop it.",
      ]);
  }
}
