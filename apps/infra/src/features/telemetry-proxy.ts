import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { COLLECTOR_ENV, COLLECTOR_MEMORY_MIB } from "@trackgraph/collector";
import { Construct } from "constructs";
import { AppRunnerService } from "../blocks/app-runner-service.js";
import { checkovSkips } from "../blocks/checkov.js";
import { ContainerImage, type ImageReference } from "../blocks/container-image.js";
import { FargateCollector } from "../blocks/fargate-collector.js";
import { Permissions } from "../blocks/grants.js";
import { InternalLoadBalancer } from "../blocks/internal-load-balancer.js";
import type { Platform } from "../blocks/web-service.js";
import type { CollectorContext } from "./collector-context.js";

/** The proxy's OTLP/HTTP port and the port of the collector's health_check extension (see @trackgraph/collector). */
export const PROXY_OTLP_PORT = 4318;
export const PROXY_HEALTH_PORT = 13133;
const SCALING = { min: 1, max: 2 } as const;

export interface TelemetryProxyProps extends CollectorContext {
  /** The proxy collector's image in this account's ECR. */
  readonly image: ImageReference;
  /** App Runner (a public service) or ECS Express (Fargate behind an internal load balancer). */
  readonly platform: Platform;
  /**
   * The load balancer may be deleted (no deletion protection).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/**
 * The telemetry proxy, our collector build (apps/collector): OTLP/HTTP in (bearer token from Secrets Manager), traces to X-Ray, metrics
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
    const { naming, aws, plane, secrets } = props;
    this.tokenSecret = secrets.secret(COLLECTOR_ENV.proxyToken, {
      description: "Bearer token OTLP clients send to the telemetry proxy",
      generated: true,
    });
    const permissions = new Permissions();
    plane.grantRemoteWrite(permissions, "Proxy");
    permissions.addToPrincipalPolicy({
      // X-Ray's trace and sampling APIs have no resource-level permissions: "*" is required.
      sid: "WriteTraces",
      actions: [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
      ],
      resources: ["*"],
    });
    const settings = {
      name: naming.name("telemetry-proxy"),
      image: new ContainerImage(this, "image", props.image),
      environment: {
        [COLLECTOR_ENV.region]: aws.region,
        [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
        [COLLECTOR_ENV.scrapeInterval]: props.scrapeInterval,
      },
      secrets: { [COLLECTOR_ENV.proxyToken]: this.tokenSecret },
      statements: permissions.statements,
    };
    if (props.platform === "app-runner") {
      const service = new AppRunnerService(this, "service", {
        ...settings,
        cpu: 1024,
        memoryMiB: COLLECTOR_MEMORY_MIB.proxy,
        port: PROXY_OTLP_PORT,
        minInstances: SCALING.min,
        maxInstances: SCALING.max,
        maxConcurrency: 100,
        secretStore: secrets,
        secretGrantSid: "Proxy",
        key: props.key,
        aws,
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
    const { key, aws, secrets, network } = props;
    const name = settings.name;
    const balancer = new InternalLoadBalancer(this, "load-balancer", {
      name,
      description:
        "TrackGraph telemetry proxy load balancer: OTLP/HTTP from inside the VPC, to the proxy tasks",
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      subnetIds: network.subnetIds,
      port: PROXY_OTLP_PORT,
      healthCheckPort: PROXY_HEALTH_PORT,
      ruleDescriptions: {
        ingress: "OTLP/HTTP from clients inside the VPC (the backend)",
        targets: "OTLP/HTTP to the proxy tasks",
        healthChecks: "Health checks of the proxy tasks",
      },
      disposable: props.disposable,
    });
    const { loadBalancer: lb, targetGroup: targets, listener, securityGroup: lbSecurityGroup } = balancer;
    const plainHttp =
      "the proxy's load balancer is internal (reachable only inside the VPC) and carries OTLP from the backend; HTTPS would need a certificate for a domain this stack does not own, and the OTLP requests carry a bearer token the proxy checks";
    checkovSkips(lb, [
      "CKV_AWS_91: no load-balancer access log for an internal OTLP hop: the proxy's own request metrics (otelcol_receiver_*) reach AMP, and ELB access logs need an SSE-S3 bucket with a policy for the ELB account of the region, which this stack does not make",
      `CKV2_AWS_20: it listens on the OTLP port only, with no HTTP listener to redirect; ${plainHttp}`,
      ...(props.disposable === true
        ? ["CKV_AWS_150: deletion protection is off on disposable stacks (config disposable: true)"]
        : []),
    ]);
    checkovSkips(listener, [`CKV_AWS_2: ${plainHttp}`, `CKV_AWS_103: ${plainHttp}`]);
    checkovSkips(targets, [`CKV_AWS_378: ${plainHttp}`]);

    const collector = new FargateCollector(this, "collector", {
      ...settings,
      description:
        "TrackGraph telemetry proxy: OTLP/HTTP and health checks from its load balancer; HTTPS out",
      key,
      aws,
      logRetentionDays: props.logRetentionDays,
      network,
      cpu: 1024,
      memoryMiB: COLLECTOR_MEMORY_MIB.proxy,
      secretStore: secrets,
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
    return balancer.url;
  }
}
