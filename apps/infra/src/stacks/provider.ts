import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";

/**
 * The hashicorp/aws release every stack requires. cdktf's prebuilt bindings were generated for 6.25.0 and
 * would pin exactly that; 6.25.0's aws_ecs_express_gateway_service reports "inconsistent result after
 * apply" when ECS adds its managed security groups (terraform-provider-aws #47595, fixed in June 2026).
 * Within one major version the provider only adds arguments, so the 6.25 bindings still describe what
 * they synthesize; the plan-review workflow's `terraform validate` checks it against this release.
 */
export const AWS_PROVIDER_VERSION = "6.68.0";

import type { TrackgraphConfig } from "../config/schema.js";

/** Tags every taggable resource gets through the provider's default_tags. */
export function defaultTags(stackName: string, config: TrackgraphConfig): Record<string, string> {
  return { ...config.tags, project: config.project, stack: stackName, owner: config.owner };
}

/** The AWS provider of a stack: region, optional account pin, default tags. */
export function awsProvider(
  scope: Construct,
  stackName: string,
  config: TrackgraphConfig,
  options: { id?: string; alias?: string; region?: string } = {},
): AwsProvider {
  TerraformStack.of(scope).addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
  return new AwsProvider(scope, options.id ?? "aws", {
    region: options.region ?? config.region,
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    ...(config.accountId === undefined ? {} : { allowedAccountIds: [config.accountId] }),
    defaultTags: [{ tags: defaultTags(stackName, config) }],
  });
}
