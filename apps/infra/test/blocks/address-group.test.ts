import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AddressGroup } from "../../src/blocks/address-group.js";
import { parseStackConfig } from "../../src/config/load.js";
import { TrackgraphStack } from "../../src/stacks/trackgraph-stack.js";
import { artifacts } from "../synth.js";

/** A stack that honours address groups, as the TrackGraph stacks do. */
class GroupingStack extends TerraformStack {
  protected override allocateLogicalId(element: Parameters<TerraformStack["getLogicalId"]>[0]): string {
    return (
      TrackgraphStack.prototype as unknown as { allocateLogicalId: (e: typeof element) => string }
    ).allocateLogicalId.call(this, element);
  }
}

describe("AddressGroup", () => {
  it("leaves its id out of the logical ids of what it holds", () => {
    const stack = new GroupingStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new SqsQueue(new AddressGroup(stack, "group"), "queue", { name: "q" });
    const ids = Object.keys(JSON.parse(Testing.synth(stack, true)).resource.aws_sqs_queue);
    expect(ids).toEqual(["queue"]);
  });

  it("refuses two resources that would share an address", () => {
    const stack = new GroupingStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new SqsQueue(stack, "queue", { name: "a" });
    new SqsQueue(new AddressGroup(stack, "group"), "queue", { name: "b" });
    expect(() => Testing.synth(stack, true)).toThrow(
      /s\/group\/queue and s\/queue would have the same Terraform address/,
    );
  });

  it("keeps the environment stack's resources where they were before the groups (the load balancer)", () => {
    const config = parseStackConfig("dev.json", JSON.stringify({ trackgraph: {} }));
    const stack = new TrackgraphStack(Testing.app(), { stackName: "dev", config, artifacts });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.resource.aws_lb)).toEqual([
      expect.stringMatching(/^telemetry-proxy_load-balancer_[0-9A-F]{8}$/),
    ]);
    expect(Object.keys(json.data.aws_caller_identity)).toEqual(["key_caller_7230FDCD"]);
  });
});
