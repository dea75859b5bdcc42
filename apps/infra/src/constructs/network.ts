import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc/index.js";
import type { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";

/** Where the stack's ECS tasks and internal load balancer live. */
export interface NetworkPlacement {
  vpcId: string;
  /** The VPC's IPv4 range: what may reach the internal telemetry proxy. */
  vpcCidr: string;
  subnetIds: string[];
  assignPublicIp: boolean;
}

/** The configured VPC and subnets, or the default VPC and its subnets. */
export function networkPlacement(scope: Construct, config: TrackgraphConfig): NetworkPlacement {
  const network = config.network;
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
