import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { TrackgraphConfig } from "../config/schema.js";

/**
 * S3 remote state with native S3 locking when the config names a state bucket, local state otherwise.
 * cdktf 0.21's S3Backend predates `use_lockfile` (Terraform 1.10+, OpenTofu 1.10+), so it is set with an
 * override; no DynamoDB lock table is needed.
 */
export function configureStateBackend(
  stack: TerraformStack,
  stackName: string,
  config: TrackgraphConfig,
): void {
  const state = config.state;
  if (state === undefined) {
    // Relative to cdktf.out/stacks/<stack>, where Terraform runs: state lands at the repository root,
    // and the synthesized JSON holds no path of the machine that made it.
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: state.bucket,
    key: state.key ?? `${config.project}/${stackName}.tfstate`,
    region: state.region ?? config.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyArn,
  });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
