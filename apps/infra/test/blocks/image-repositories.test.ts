import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { describe, expect, it } from "vitest";
import { ImageRepositories } from "../../src/blocks/image-repositories.js";
import { freshStack, synthJson } from "../features/fresh-stack.js";
import { resources } from "../synth.js";

describe("ImageRepositories", () => {
  it("makes immutable, scanned repositories with the CMK at home and AWS's key in other regions", () => {
    const { stack } = freshStack();
    const other = new AwsProvider(stack, "aws-eu-central-1", {
      region: "eu-central-1",
      alias: "eu_central_1",
    });
    const repos = new ImageRepositories(stack, "repos", {
      names: ["backend", "proxy"],
      repositoryName: (name) => `tg/${name}`,
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
      otherRegions: [{ region: "eu-central-1", provider: other }],
    });
    const json = synthJson(stack);
    const repositories = resources(json, "aws_ecr_repository") as Array<{
      name: string;
      image_tag_mutability: string;
      encryption_configuration: Array<{ kms_key?: string }>;
      provider?: string;
    }>;
    expect(
      repositories.map((r) => [
        r.name,
        r.provider ?? "home",
        r.encryption_configuration[0]?.kms_key ?? "aws",
      ]),
    ).toEqual([
      ["tg/backend", "aws.eu_central_1", "aws"],
      ["tg/backend", "home", "arn:aws:kms:eu-west-1:123456789012:key/k"],
      ["tg/proxy", "aws.eu_central_1", "aws"],
      ["tg/proxy", "home", "arn:aws:kms:eu-west-1:123456789012:key/k"],
    ]);
    expect(repositories.every((r) => r.image_tag_mutability === "IMMUTABLE")).toBe(true);
    expect(resources(json, "aws_ecr_lifecycle_policy")).toHaveLength(4);
    expect(Object.keys(repos.urls)).toEqual(["backend", "proxy"]);
  });
});
