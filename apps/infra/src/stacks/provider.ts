import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";
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
  return new AwsProvider(scope, options.id ?? "aws", {
    region: options.region ?? config.region,
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    ...(config.accountId === undefined ? {} : { allowedAccountIds: [config.accountId] }),
    defaultTags: [{ tags: defaultTags(stackName, config) }],
  });
}
