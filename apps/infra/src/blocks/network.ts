import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc/index.js";
import type { Construct } from "constructs";

/** Where the stack's ECS tasks and internal load balancer live. */
export interface NetworkPlacement {
  vpcId: string;
  /** The VPC's IPv4 range: what may reach the internal telemetry proxy. */
  vpcCidr: string;
  subnetIds: string[];
  assignPublicIp: boolean;
}

/** Where to place tasks: a VPC and its subnets, or nothing for the default VPC. */
export interface NetworkProps {
  /**
   * The VPC; with `subnetIds`, used as given.
   * @default the account's default VPC (also when `subnetIds` is absent)
   */
  readonly vpcId?: string | undefined;
  /**
   * Subnets of `vpcId` for the tasks.
   * @default every subnet of the default VPC
   */
  readonly subnetIds?: string[] | undefined;
  /** Give tasks a public IP (the default VPC has no NAT gateway: without one they reach nothing). */
  readonly assignPublicIp: boolean;
}

/** The configured VPC and subnets, or the default VPC and its subnets. */
export function networkPlacement(scope: Construct, network: NetworkProps): NetworkPlacement {
  const assignPublicIp = network.assignPublicIp;
  if (network.vpcId !== undefined && network.subnetIds !== undefined) {
    const vpc = new DataAwsVpc(scope, "vpc", { id: network.vpcId });
    return { vpcId: network.vpcId, vpcCidr: vpc.cidrBlock, subnetIds: network.subnetIds, assignPublicIp };
  }
  const vpc = new DataAwsVpc(scope, "default-vpc", { default: true });
  const subnets = new DataAwsSubnets(scope, "default-subnets", {
    filter: [{ name: "vpc-id", values: [vpc.id] }],
  });
  return { vpcId: vpc.id, vpcCidr: vpc.cidrBlock, subnetIds: subnets.ids, assignPublicIp };
}
