import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js";
import { ApprunnerObservabilityConfiguration } from "@cdktf/provider-aws/lib/apprunner-observability-configuration/index.js";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsExpressGatewayService } from "@cdktf/provider-aws/lib/ecs-express-gateway-service/index.js";
import { Construct } from "constructs";
import { limitName } from "../stacks/naming.js";
import type { ContainerImage } from "./container-image.js";
import { EcsTaskIdentity } from "./ecs-task-identity.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { PolicyStatement } from "./policy-statements.js";
import { ServiceRole } from "./service-role.js";

export type Platform = "app-runner" | "ecs-express";

export interface WebServiceProps {
  platform: Platform;
  /** Service name, also the prefix of its roles. */
  name: string;
  image: ContainerImage;
  /** `vCPU units/MiB`, e.g. `1024/2048`. */
  size: string;
  port: number;
  /** An HTTP path that answers 200 without credentials; absent: a TCP check (App Runner only). */
  healthCheckPath?: string;
  minInstances: number;
  maxInstances: number;
  maxConcurrency: number;
  environment: Record<string, string>;
  /** Environment variable -> secret ARN. */
  secrets: Record<string, string>;
  /** What the platform needs to read those secrets (its execution or instance role gets them). */
  secretStatements: PolicyStatement[];
  /** What the code in the container may do. */
  statements: PolicyStatement[];
  key: EncryptionKey;
  logRetentionDays: number;
  /** ECS Express only: subnets (the default VPC's when absent). */
  subnetIds?: string[];
}

/** App Runner limits several names to 32 characters. */
const short = (name: string) => limitName(name, 32);

/**
 * One HTTPS service from one container image, on App Runner (the default) or Amazon ECS Express Mode:
 * the same image, environment, secrets, health check, scaling bounds and roles on either.
 */
export class WebService extends Construct {
  /** `https://...`. */
  readonly url: string;
  /** The host name alone, for scrape targets. */
  readonly host: string;
  readonly taskRole: ServiceRole;
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const [cpu, memory] = props.size.split("/");
    if (props.platform === "app-runner") {
      this.taskRole = new ServiceRole(this, "instance-role", {
        name: `${props.name}-instance`,
        service: "tasks.apprunner.amazonaws.com",
        statements: [...props.statements, ...props.secretStatements],
      });
      const access = new ServiceRole(this, "access-role", {
        name: `${props.name}-access`,
        service: "build.apprunner.amazonaws.com",
        statements: props.image.pullStatements("Access"),
      });
      const scaling = new ApprunnerAutoScalingConfigurationVersion(this, "scaling", {
        autoScalingConfigurationName: short(props.name),
        minSize: props.minInstances,
        maxSize: props.maxInstances,
        maxConcurrency: props.maxConcurrency,
      });
      const observability = new ApprunnerObservabilityConfiguration(this, "observability", {
        observabilityConfigurationName: short(props.name),
        traceConfiguration: { vendor: "AWSXRAY" },
      });
      const service = new ApprunnerService(this, "service", {
        serviceName: props.name.slice(0, 40),
        sourceConfiguration: {
          autoDeploymentsEnabled: false,
          authenticationConfiguration: { accessRoleArn: access.arn },
          imageRepository: {
            imageIdentifier: props.image.uri,
            imageRepositoryType: "ECR",
            imageConfiguration: {
              port: String(props.port),
              runtimeEnvironmentVariables: props.environment,
              runtimeEnvironmentSecrets: props.secrets,
            },
          },
        },
        instanceConfiguration: { cpu, memory, instanceRoleArn: this.taskRole.arn },
        healthCheckConfiguration: {
          ...(props.healthCheckPath === undefined
            ? { protocol: "TCP" }
            : { protocol: "HTTP", path: props.healthCheckPath }),
          interval: 10,
          timeout: 5,
          healthyThreshold: 1,
          unhealthyThreshold: 3,
        },
        autoScalingConfigurationArn: scaling.arn,
        observabilityConfiguration: {
          observabilityEnabled: true,
          observabilityConfigurationArn: observability.arn,
        },
        encryptionConfiguration: { kmsKey: props.key.key.arn },
      });
      this.host = service.serviceUrl;
    } else {
      if (props.healthCheckPath === undefined)
        throw new Error(
          `${props.name}: ECS Express Mode health-checks an HTTP path on the container port; it has no TCP check`,
        );
      const identity = new EcsTaskIdentity(this, "task", {
        name: props.name,
        image: props.image,
        key: props.key,
        logRetentionDays: props.logRetentionDays,
        secretStatements: props.secretStatements,
        statements: props.statements,
      });
      this.logGroup = identity.logGroup;
      this.taskRole = identity.taskRole;
      const infrastructure = new ServiceRole(this, "infrastructure-role", {
        name: `${props.name}-infrastructure`,
        service: "ecs.amazonaws.com",
        sourceAccount: props.key.accountId,
        statements: [],
        // Express Mode provisions the load balancer, target groups, security groups and scaling policies
        // itself; AWS publishes this managed policy for exactly that role, and it changes with the feature.
        managedPolicyArns: [
          `arn:${props.key.partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices`,
        ],
      });
      const cluster = new EcsCluster(this, "cluster", {
        name: props.name,
        setting: [{ name: "containerInsights", value: "enhanced" }],
      });
      const service = new EcsExpressGatewayService(this, "service", {
        serviceName: props.name,
        cluster: cluster.name,
        cpu,
        memory,
        executionRoleArn: identity.executionRole.arn,
        infrastructureRoleArn: infrastructure.arn,
        taskRoleArn: this.taskRole.arn,
        healthCheckPath: props.healthCheckPath,
        primaryContainer: [
          {
            image: props.image.uri,
            containerPort: props.port,
            // Sorted by name: ECS answers them in that order, and provider 6.x reports any other order as
            // an inconsistent result after apply (terraform-provider-aws #45792, open).
            environment: byName(props.environment).map(([name, value]) => ({ name, value })),
            secret: byName(props.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
            awsLogsConfiguration: [{ logGroup: this.logGroup.name, logStreamPrefix: props.name }],
          },
        ],
        scalingTarget: [
          {
            minTaskCount: props.minInstances,
            maxTaskCount: props.maxInstances,
            // App Runner scales on concurrent requests; Express Mode's nearest metric is requests per target.
            autoScalingMetric: "REQUEST_COUNT_PER_TARGET",
            autoScalingTargetValue: props.maxConcurrency,
          },
        ],
        ...(props.subnetIds === undefined ? {} : { networkConfiguration: [{ subnets: props.subnetIds }] }),
        waitForSteadyState: true,
      });
      this.host = service.ingressPaths.get(0).endpoint;
    }
    this.url = `https://${this.host}`;
  }
}

function byName(values: Record<string, string>): Array<[string, string]> {
  return Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
