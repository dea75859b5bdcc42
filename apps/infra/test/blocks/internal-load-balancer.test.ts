import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { InternalLoadBalancer } from "../../src/blocks/internal-load-balancer.js";
import { freshStack, only, synthJson } from "../features/fresh-stack.js";

function balancer(disposable?: boolean) {
  const { stack } = freshStack();
  const lb = new InternalLoadBalancer(stack, "lb", {
    name: "trackgraph-a-rather-long-stack-name-telemetry-proxy",
    description: "test",
    vpcId: "vpc-1",
    vpcCidr: "10.0.0.0/16",
    subnetIds: ["subnet-1", "subnet-2"],
    port: 4318,
    healthCheckPort: 13133,
    ruleDescriptions: { ingress: "in", targets: "to targets", healthChecks: "health" },
    ...(disposable === undefined ? {} : { disposable }),
  });
  new TerraformOutput(stack, "url", { value: lb.url });
  const json = synthJson(stack);
  return { json, url: json.output.url?.value };
}

describe("InternalLoadBalancer", () => {
  it("is internal, reachable from the VPC on its port, and health-checks the targets on theirs", () => {
    const { json, url } = balancer();
    const alb = only(json, "aws_lb");
    expect(alb).toMatchObject({
      internal: true,
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
    });
    expect(String(alb.name).length).toBeLessThanOrEqual(32);
    const group = only(json, "aws_security_group") as {
      ingress: unknown[];
      egress: Array<{ from_port: number }>;
    };
    expect(group.ingress).toEqual([
      expect.objectContaining({ from_port: 4318, cidr_blocks: ["10.0.0.0/16"] }),
    ]);
    expect(group.egress.map((e) => e.from_port)).toEqual([4318, 13133]);
    expect(only(json, "aws_lb_target_group")).toMatchObject({
      port: 4318,
      target_type: "ip",
      health_check: { port: "13133", path: "/", matcher: "200" },
    });
    expect(url).toMatch(/^http:\/\/\$\{aws_lb\..*\.dns_name\}:4318$/);
  });

  it("drops deletion protection only when disposable", () => {
    expect(only(balancer(true).json, "aws_lb")).toMatchObject({ enable_deletion_protection: false });
  });
});
