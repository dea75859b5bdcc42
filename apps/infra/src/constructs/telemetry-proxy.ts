import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { COLLECTOR_ENV, COLLECTOR_MEMORY_MIB } from "@trackgraph/collector";
import { Construct } from "constructs";
import { limitName } from "../stacks/naming.js";
import { checkovSkips } from "./checkov.js";
import { ContainerImage, type ImageReference } from "./container-image.js";
import { type CollectorContext, FargateCollector } from "./fargate-collector.js";
import type { PolicyStatement } from "./policy-statements.js";
import { WebService } from "./web-service.js";

/** The proxy's OTLP/HTTP port and the port of the collector's health_check extension (see @trackgraph/collector). */
export const PROXY_OTLP_PORT = 4318;
export const PROXY_HEALTH_PORT = 13133;
const SCALING = { min: 1, max: 2 } as const;

export interface TelemetryProxyProps extends CollectorContext {
  /** The proxy collector's image in this account's ECR. */
  image: ImageReference;
}

/**
 * The ADOT telemetry proxy: OTLP/HTTP in (bearer token from Secrets Manager), traces to X-Ray, metrics
 * (its own and pushed ones) to exactly this stack's AMP workspace.
 *
 * With `backend.platform: "app-runner"` it is a public App Runner service, like the backend. With
 * `"ecs-express"` it cannot be an Express service: Express Mode health-checks an HTTP path on the container
 * port, and every path of the OTLP port answers 401 without the token (the collector's health endpoint is
 * on its own port). So it falls back to Fargate behind an internal Application Load Balancer whose target
 * group checks the health port; the backend reaches it inside the VPC.
 */
export class TelemetryProxy extends Construct {
  /** The OTLP/HTTP base URL clients export to. */
  readonly url: string;
  readonly tokenSecret: string;

  constructor(scope: Construct, id: string, props: TelemetryProxyProps) {
    super(scope, id);
    const { naming, config, key, plane, secrets } = props;
    this.tokenSecret = secrets.secret(COLLECTOR_ENV.proxyToken, {
      description: "Bearer token OTLP clients send to the telemetry proxy",
      generated: true,
    });
    const settings = {
      name: naming.name("telemetry-proxy"),
      image: new ContainerImage(this, "image", props.image),
      environment: {
        [COLLECTOR_ENV.region]: key.region,
        [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
        [COLLECTOR_ENV.scrapeInterval]: config.observability.collectors.scrapeInterval,
      },
      secrets: { [COLLECTOR_ENV.proxyToken]: this.tokenSecret },
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
      ] satisfies PolicyStatement[],
    };
    if (config.backend.platform === "app-runner") {
      const service = new WebService(this, "service", {
        ...settings,
        platform: "app-runner",
        size: `1024/${COLLECTOR_MEMORY_MIB.proxy}`,
        port: PROXY_OTLP_PORT,
        minInstances: SCALING.min,
        maxInstances: SCALING.max,
        maxConcurrency: 100,
        secretStatements: secrets.readStatements("Proxy", [this.tokenSecret]),
        key,
        logRetentionDays: config.observability.logRetentionDays,
      });
      this.url = service.url;
      return;
    }
    this.url = this.onFargate(props, settings);
  }

  /** Fargate behind an internal ALB; returns the load balancer's OTLP URL. */
  private onFargate(
    props: TelemetryProxyProps,
    settings: Pick<
      ConstructorParameters<typeof FargateCollector>[2],
      "name" | "image" | "environment" | "secrets" | "statements"
    >,
  ): string {
    const { config, key, secrets, network } = props;
    const name = settings.name;
    // Load balancer and target group names are limited to 32 characters.
    const lbName = limitName(name, 32);
    const lbSecurityGroup = new SecurityGroup(this, "lb-security-group", {
      name: `${name}-lb`,
      description:
        "TrackGraph telemetry proxy load balancer: OTLP/HTTP from inside the VPC, to the proxy tasks",
      vpcId: network.vpcId,
      ingress: [
        {
          description: "OTLP/HTTP from clients inside the VPC (the backend)",
          protocol: "tcp",
          fromPort: PROXY_OTLP_PORT,
          toPort: PROXY_OTLP_PORT,
          cidrBlocks: [network.vpcCidr],
          ipv6CidrBlocks: [],
          prefixListIds: [],
          securityGroups: [],
          selfAttribute: false,
        },
      ],
      egress: [PROXY_OTLP_PORT, PROXY_HEALTH_PORT].map((port) => ({
        description:
          port === PROXY_OTLP_PORT ? "OTLP/HTTP to the proxy tasks" : "Health checks of the proxy tasks",
        protocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrBlocks: [network.vpcCidr],
        ipv6CidrBlocks: [],
        prefixListIds: [],
        securityGroups: [],
        selfAttribute: false,
      })),
    });
    const lb = new Lb(this, "load-balancer", {
      name: lbName,
      internal: true,
      loadBalancerType: "application",
      securityGroups: [lbSecurityGroup.id],
      subnets: network.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: !config.forceDestroyBuckets,
    });
    const targets = new LbTargetGroup(this, "targets", {
      name: lbName,
      port: PROXY_OTLP_PORT,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: network.vpcId,
      deregistrationDelay: "30",
      healthCheck: {
        protocol: "HTTP",
        port: String(PROXY_HEALTH_PORT),
        path: "/",
        matcher: "200",
        interval: 15,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    const listener = new LbListener(this, "listener", {
      loadBalancerArn: lb.arn,
      port: PROXY_OTLP_PORT,
      protocol: "HTTP",
      defaultAction: [{ type: "forward", targetGroupArn: targets.arn }],
    });
    const plainHttp =
      "the proxy's load balancer is internal (reachable only inside the VPC) and carries OTLP from the backend; HTTPS would need a certificate for a domain this stack does not own, and the OTLP requests carry a bearer token the proxy checks";
    checkovSkips(lb, [
      "CKV_AWS_91: no load-balancer access log for an internal OTLP hop: the proxy's own request metrics (otelcol_receiver_*) reach AMP, and ELB access logs need an SSE-S3 bucket with a policy for the ELB account of the region, which this stack does not make",
      `CKV2_AWS_20: it listens on the OTLP port only, with no HTTP listener to redirect; ${plainHttp}`,
      ...(config.forceDestroyBuckets
        ? [
            "CKV_AWS_150: deletion protection is off on stacks that set forceDestroyBuckets (disposable stacks)",
          ]
        : []),
    ]);
    checkovSkips(listener, [`CKV_AWS_2: ${plainHttp}`, `CKV_AWS_103: ${plainHttp}`]);
    checkovSkips(targets, [`CKV_AWS_378: ${plainHttp}`]);

    const collector = new FargateCollector(this, "collector", {
      ...settings,
      description:
        "TrackGraph telemetry proxy: OTLP/HTTP and health checks from its load balancer; HTTPS out",
      key,
      logRetentionDays: config.observability.logRetentionDays,
      network,
      cpu: 1024,
      memoryMiB: COLLECTOR_MEMORY_MIB.proxy,
      secretStatements: secrets.readStatements("Execution", [this.tokenSecret]),
      ingress: [
        {
          port: PROXY_OTLP_PORT,
          description: "OTLP/HTTP from the load balancer",
          securityGroupId: lbSecurityGroup.id,
        },
        {
          port: PROXY_HEALTH_PORT,
          description: "Health checks from the load balancer",
          securityGroupId: lbSecurityGroup.id,
        },
      ],
      desiredCount: SCALING.min,
      singleton: false,
      loadBalancer: { targetGroupArn: targets.arn, containerPort: PROXY_OTLP_PORT, listener },
    });
    // Scaling owns the task count after the first deploy.
    collector.service.lifecycle = { ignoreChanges: ["desired_count"] };
    const scaling = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      resourceId: `service/${collector.cluster.name}/${collector.service.name}`,
      scalableDimension: "ecs:service:DesiredCount",
      minCapacity: SCALING.min,
      maxCapacity: SCALING.max,
    });
    new AppautoscalingPolicy(this, "scaling-policy", {
      name: `${name}-requests`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      resourceId: scaling.resourceId,
      scalableDimension: scaling.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        // The same bound as App Runner's concurrency: requests per task, measured at the load balancer.
        targetValue: 100,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${lb.arnSuffix}/${targets.arnSuffix}`,
        },
      },
    });
    return `http://${lb.dnsName}:${PROXY_OTLP_PORT}`;
  }
}
