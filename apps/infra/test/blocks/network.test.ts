import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { type NetworkProps, networkPlacement } from "../../src/blocks/network.js";
import { freshStack, synthJson } from "../features/fresh-stack.js";

/** A Terraform expression as it appears in synthesized JSON. */
const tf = (expression: string) => `\${${expression}}`;

function place(network: NetworkProps) {
  const { stack } = freshStack();
  const placed = networkPlacement(stack, network);
  new TerraformOutput(stack, "out-vpc", { value: placed.vpcId });
  new TerraformOutput(stack, "out-cidr", { value: placed.vpcCidr });
  new TerraformOutput(stack, "out-subnets", { value: placed.subnetIds });
  const json = synthJson(stack);
  return { placed, json, out: (name: string) => json.output[`out-${name}`]?.value };
}

describe("networkPlacement", () => {
  it("uses a configured VPC and its subnets as given, reading only the VPC's range", () => {
    const { placed, json, out } = place({ vpcId: "vpc-1", subnetIds: ["subnet-1"], assignPublicIp: false });
    expect(placed.assignPublicIp).toBe(false);
    expect(out("vpc")).toBe("vpc-1");
    expect(out("subnets")).toEqual(["subnet-1"]);
    expect(out("cidr")).toBe(tf("data.aws_vpc.vpc.cidr_block"));
    expect(json.data.aws_vpc).toEqual({ vpc: { id: "vpc-1" } });
    expect(json.data.aws_subnets).toBeUndefined();
  });

  it("falls back to the default VPC and all its subnets when either is missing", () => {
    for (const network of [{ assignPublicIp: true }, { vpcId: "vpc-1", assignPublicIp: true }]) {
      const { placed, json, out } = place(network);
      expect(placed.assignPublicIp).toBe(true);
      expect(out("vpc")).toBe(tf("data.aws_vpc.default-vpc.id"));
      expect(out("subnets")).toBe(tf("data.aws_subnets.default-subnets.ids"));
      expect(json.data.aws_vpc).toEqual({ "default-vpc": { default: true } });
      expect(json.data.aws_subnets?.["default-subnets"]).toMatchObject({
        filter: [{ name: "vpc-id", values: [tf("data.aws_vpc.default-vpc.id")] }],
      });
    }
  });
});
