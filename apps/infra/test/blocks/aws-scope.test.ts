import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsScope } from "../../src/blocks/aws-scope.js";
import { freshStack, synthJson } from "../features/fresh-stack.js";

describe("AwsScope", () => {
  it("reads account, partition and region once each, under the address prefix it is given", () => {
    const { stack } = freshStack();
    const scope = new AwsScope(stack, "other", { addressPrefix: "legacy" });
    new TerraformOutput(stack, "arn", { value: scope.arn("sqs", "queue-1") });
    new TerraformOutput(stack, "root", { value: scope.accountRootArn });
    new TerraformOutput(stack, "via", { value: scope.regionalService("s3") });
    const json = synthJson(stack);
    // freshStack's own scope (default prefix "aws") and this one: one data source of each kind apiece.
    for (const [type, name] of [
      ["aws_caller_identity", "caller"],
      ["aws_partition", "partition"],
      ["aws_region", "region"],
    ] as const) {
      expect(Object.keys(json.data[type] ?? {}).sort()).toEqual([
        expect.stringMatching(new RegExp(`^other_legacy_${name}_`)),
        expect.stringMatching(new RegExp(`^scope_aws_${name}_`)),
      ]);
    }
    const out = (name: string) => String(json.output[name]?.value);
    const partition = String.raw`\$\{data\.aws_partition\.other_legacy_partition_\w+\.partition\}`;
    const region = String.raw`\$\{data\.aws_region\.other_legacy_region_\w+\.region\}`;
    const account = String.raw`\$\{data\.aws_caller_identity\.other_legacy_caller_\w+\.account_id\}`;
    expect(out("arn")).toMatch(new RegExp(`^arn:${partition}:sqs:${region}:${account}:queue-1$`));
    expect(out("root")).toMatch(new RegExp(`^arn:${partition}:iam::${account}:root$`));
    expect(out("via")).toMatch(new RegExp(`^s3\\.${region}\\.amazonaws\\.com$`));
  });
});
