import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService, type EcsServiceLoadBalancer } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import {
  SecurityGroup,
  type SecurityGroupEgress,
  type SecurityGroupIngress,
} from "@cdktf/provider-aws/lib/security-group/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { AwsScope } from "./aws-scope.js";
import { checkovSkips } from "./checkov.js";
import type { ContainerImage } from "./container-image.js";
import { EcsTaskIdentity } from "./ecs-task-identity.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { NetworkPlacement } from "./network.js";
import type { PolicyStatement } from "./policy-statements.js";
import type { ServiceSecrets } from "./service-secrets.js";

/** The name of the collector container in every task definition (load balancers address it by name). */
export const COLLECTOR_CONTAINER = "collector";

export interface FargateCollectorProps {
  /** Name of the cluster, service, task family, security group and roles (`<name>-execution`, `<name>-task`). */
  readonly name: string;
  /** The security group's description: what may reach the collector and where it goes. */
  readonly description: string;
  /** The collector image. */
  readonly image: ContainerImage;
  /** Encrypts the log group. */
  readonly key: EncryptionKey;
  /** The stack's account and region (trust conditions, the awslogs region). */
  readonly aws: AwsScope;
  /** Days the log group keeps events. */
  readonly logRetentionDays: number;
  /** The VPC, subnets and public-IP choice of the tasks. */
  readonly network: NetworkPlacement;
  /** Fargate task CPU units. */
  readonly cpu: number;
  /** Fargate task memory, MiB. */
  readonly memoryMiB: number;
  /** Plain environment variables of the container. */
  readonly environment: Record<string, string>;
  /** Environment variable -> secret ARN (the execution role reads them). */
  readonly secrets: Record<string, string>;
  /** Where those secrets are: it grants the execution role reading them (`Execution*` statements). */
  readonly secretStore: ServiceSecrets;
  /** What the collector may do (the task role). */
  readonly statements: PolicyStatement[];
  /** Ports the container listens on, and what may reach them; none: no inbound traffic at all. */
  readonly ingress: ReadonlyArray<{ port: number; description: string; securityGroupId: string }>;
  /** Tasks the service starts with. */
  readonly desiredCount: number;
  /** At most one task at any time (a second scraper would write every series twice). */
  readonly singleton: boolean;
  /**
   * The target group the service registers its tasks in, and the listener that must exist first.
   * @default no load balancer
   */
  readonly loadBalancer?: { targetGroupArn: string; containerPort: number; listener: ITerraformDependable };
}

/** HTTPS out, to AWS APIs (AMP, X-Ray, ECR, Secrets Manager, CloudWatch Logs) and scrape targets. */
const HTTPS_OUT: SecurityGroupEgress = {
  description: "HTTPS to AWS APIs (AMP, X-Ray, ECR, Secrets Manager, CloudWatch Logs) and scrape targets",
  protocol: "tcp",
  fromPort: 443,
  toPort: 443,
  cidrBlocks: ["0.0.0.0/0"],
  ipv6CidrBlocks: [],
  prefixListIds: [],
  securityGroups: [],
  selfAttribute: false,
};

/**
 * One image of our collector build as an ECS Fargate service: its task identity (log group, execution and task
 * roles), cluster, task definition with the image's own /healthcheck, and a security group that admits
 * exactly the given ingress.
 */
export class FargateCollector extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly logGroup: CloudwatchLogGroup;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: FargateCollectorProps) {
    super(scope, id);
    const { name, key, network } = props;
    const identity = new EcsTaskIdentity(this, "task-identity", {
      name,
      image: props.image,
      key,
      aws: props.aws,
      logRetentionDays: props.logRetentionDays,
      grantSecrets: (role) => props.secretStore.grantRead(role, "Execution", Object.values(props.secrets)),
      statements: props.statements,
    });
    this.logGroup = identity.logGroup;
    this.cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: "enhanced" }],
    });
    const taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      executionRoleArn: identity.executionRole.arn,
      taskRoleArn: identity.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      containerDefinitions: JSON.stringify([
        {
          name: COLLECTOR_CONTAINER,
          image: props.image.uri,
          essential: true,
          readonlyRootFilesystem: true,
          portMappings: [...new Set(props.ingress.map((i) => i.port))].map((containerPort) => ({
            containerPort,
            protocol: "tcp",
          })),
          environment: Object.entries(props.environment).map(([n, value]) => ({ name: n, value })),
          secrets: Object.entries(props.secrets).map(([n, valueFrom]) => ({ name: n, valueFrom })),
          healthCheck: { command: ["/healthcheck"], interval: 15, timeout: 5, retries: 3, startPeriod: 20 },
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": this.logGroup.name,
              "awslogs-region": props.aws.region,
              "awslogs-stream-prefix": COLLECTOR_CONTAINER,
            },
          },
        },
      ]),
    });
    const ingress: SecurityGroupIngress[] = props.ingress.map((rule) => ({
      description: rule.description,
      protocol: "tcp",
      fromPort: rule.port,
      toPort: rule.port,
      securityGroups: [rule.securityGroupId],
      cidrBlocks: [],
      ipv6CidrBlocks: [],
      prefixListIds: [],
      selfAttribute: false,
    }));
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: props.description,
      vpcId: network.vpcId,
      ingress,
      egress: [HTTPS_OUT],
    });
    this.service = new EcsService(this, "service", {
      name,
      cluster: this.cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: props.desiredCount,
      launchType: "FARGATE",
      ...(props.singleton ? { deploymentMaximumPercent: 100, deploymentMinimumHealthyPercent: 0 } : {}),
      networkConfiguration: {
        subnets: network.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: network.assignPublicIp,
      },
      ...(props.loadBalancer === undefined
        ? {}
        : {
            loadBalancer: [
              {
                targetGroupArn: props.loadBalancer.targetGroupArn,
                containerName: COLLECTOR_CONTAINER,
                containerPort: props.loadBalancer.containerPort,
              } satisfies EcsServiceLoadBalancer,
            ],
            healthCheckGracePeriodSeconds: 30,
            // ECS refuses a target group that no listener of a load balancer forwards to yet.
            dependsOn: [props.loadBalancer.listener],
          }),
      propagateTags: "SERVICE",
    });
    if (network.assignPublicIp)
      checkovSkips(this.service, [
        "CKV_AWS_333: the default VPC's subnets have no NAT gateway, so the task needs a public IP to reach ECR, AMP and Secrets Manager; its security group admits nothing from outside the stack. Give network.subnetIds (private, with NAT or endpoints) and assignPublicIp: false to drop it.",
      ]);
  }
}
