import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsExpressGatewayService } from "@cdktf/provider-aws/lib/ecs-express-gateway-service/index.js";
import { Construct } from "constructs";
import { EcsTaskIdentity } from "./ecs-task-identity.js";
import { ServiceRole } from "./service-role.js";
import type { WebService, WebServiceProps } from "./web-service.js";

/** An ECS Express Mode service: {@link WebServiceProps}, its HTTP health check, logs and subnets. */
export interface EcsExpressServiceProps extends WebServiceProps {
  /** An HTTP path on the container port that answers 200 without credentials (Express has no TCP check). */
  readonly healthCheckPath: string;
  /** Days the container's log group keeps events. */
  readonly logRetentionDays: number;
  /**
   * Subnets of the service and its load balancer.
   * @default the default VPC's subnets
   */
  readonly subnetIds?: string[] | undefined;
}

/**
 * One HTTPS service on Amazon ECS Express Mode: its task identity (log group, execution and task roles),
 * an infrastructure role for what Express provisions (load balancer, target groups, scaling), a cluster
 * with Container Insights, and the service scaling on requests per target.
 */
export class EcsExpressService extends Construct implements WebService {
  readonly url: string;
  readonly host: string;
  readonly taskRole: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly applicationLogGroupName: string;

  constructor(scope: Construct, id: string, props: EcsExpressServiceProps) {
    super(scope, id);
    if (props.healthCheckPath === undefined)
      throw new Error(
        `${props.name}: ECS Express Mode health-checks an HTTP path on the container port; it has no TCP check`,
      );
    const identity = new EcsTaskIdentity(this, "task", {
      name: props.name,
      image: props.image,
      key: props.key,
      aws: props.aws,
      logRetentionDays: props.logRetentionDays,
      grantSecrets: (role) =>
        props.secretStore.grantRead(role, props.secretGrantSid, Object.values(props.secrets)),
      statements: props.statements,
    });
    this.logGroup = identity.logGroup;
    this.applicationLogGroupName = identity.logGroup.name;
    this.taskRole = identity.taskRole;
    const infrastructure = new ServiceRole(this, "infrastructure-role", {
      name: `${props.name}-infrastructure`,
      service: "ecs.amazonaws.com",
      sourceAccount: props.aws.accountId,
      statements: [],
      // Express Mode provisions the load balancer, target groups, security groups and scaling policies
      // itself; AWS publishes this managed policy for exactly that role, and it changes with the feature.
      managedPolicyArns: [
        `arn:${props.aws.partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices`,
      ],
    });
    const cluster = new EcsCluster(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: "enhanced" }],
    });
    const service = new EcsExpressGatewayService(this, "service", {
      serviceName: props.name,
      cluster: cluster.name,
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
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
    this.url = `https://${this.host}`;
  }
}

function byName(values: Record<string, string>): Array<[string, string]> {
  return Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
