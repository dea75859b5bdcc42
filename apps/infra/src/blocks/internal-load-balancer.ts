import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { SecurityGroup, type SecurityGroupEgress } from "@cdktf/provider-aws/lib/security-group/index.js";
import type { Construct } from "constructs";
import { AddressGroup } from "./address-group.js";
import { limitName } from "./naming.js";

export interface InternalLoadBalancerProps {
  /** Name of the security group (`<name>-lb`); cut to 32 characters for the load balancer and target group. */
  readonly name: string;
  /** The security group's description. */
  readonly description: string;
  /** The VPC of the load balancer and its targets. */
  readonly vpcId: string;
  /** The VPC's IPv4 range: who may call the load balancer, and where its targets are. */
  readonly vpcCidr: string;
  /** Subnets of the load balancer. */
  readonly subnetIds: string[];
  /** The one HTTP port it listens on and forwards to (ip targets). */
  readonly port: number;
  /** The targets' health-check port (HTTP `GET /` answers 200 when healthy). */
  readonly healthCheckPort: number;
  /** Descriptions of the security group's rules: calls in, traffic to the targets, health checks. */
  readonly ruleDescriptions: {
    readonly ingress: string;
    readonly targets: string;
    readonly healthChecks: string;
  };
  /**
   * Whether the load balancer can be deleted by Terraform.
   * @default false (deletion protection on)
   */
  readonly disposable?: boolean | undefined;
}

/** A rule of the security group for one port and the VPC's range. */
const vpcRule = (description: string, port: number, vpcCidr: string): SecurityGroupEgress => ({
  description,
  protocol: "tcp",
  fromPort: port,
  toPort: port,
  cidrBlocks: [vpcCidr],
  ipv6CidrBlocks: [],
  prefixListIds: [],
  securityGroups: [],
  selfAttribute: false,
});

/**
 * An internal Application Load Balancer reachable only from inside its VPC: a security group (the port in
 * from the VPC; the port and the health-check port out to the targets), the load balancer (invalid headers
 * dropped), an ip target group health-checked on its own port, and one HTTP listener forwarding to it.
 * An {@link AddressGroup}: its resources are addressed as its scope's.
 */
export class InternalLoadBalancer extends AddressGroup {
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly listener: LbListener;
  /** `http://<dns name>:<port>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: InternalLoadBalancerProps) {
    super(scope, id);
    // Load balancer and target group names are limited to 32 characters.
    const lbName = limitName(props.name, 32);
    const rules = props.ruleDescriptions;
    this.securityGroup = new SecurityGroup(this, "lb-security-group", {
      name: `${props.name}-lb`,
      description: props.description,
      vpcId: props.vpcId,
      ingress: [vpcRule(rules.ingress, props.port, props.vpcCidr)],
      egress: [
        vpcRule(rules.targets, props.port, props.vpcCidr),
        vpcRule(rules.healthChecks, props.healthCheckPort, props.vpcCidr),
      ],
    });
    this.loadBalancer = new Lb(this, "load-balancer", {
      name: lbName,
      internal: true,
      loadBalancerType: "application",
      securityGroups: [this.securityGroup.id],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: !(props.disposable ?? false),
    });
    this.targetGroup = new LbTargetGroup(this, "targets", {
      name: lbName,
      port: props.port,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: props.vpcId,
      deregistrationDelay: "30",
      healthCheck: {
        protocol: "HTTP",
        port: String(props.healthCheckPort),
        path: "/",
        matcher: "200",
        interval: 15,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.port,
      protocol: "HTTP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });
    this.url = `http://${this.loadBalancer.dnsName}:${props.port}`;
  }
}
