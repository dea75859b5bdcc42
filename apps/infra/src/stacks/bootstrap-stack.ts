import { Aspects, type TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct, Node } from "constructs";
import { withoutAddressGroups } from "../blocks/address-group.js";
import { AwsScope } from "../blocks/aws-scope.js";
import { EncryptionKey } from "../blocks/encryption-key.js";
import { ImageRepositories } from "../blocks/image-repositories.js";
import { boundaryPolicyName, Naming } from "../blocks/naming.js";
import { SecureBucket } from "../blocks/secure-bucket.js";
import type { TrackgraphConfig } from "../config/schema.js";
import { GitHubDeployRoles } from "../features/github-deploy-roles.js";
import { WorkloadBoundary } from "../features/workload-boundary.js";
import { ApplyOrder } from "./apply-order.js";
import { repositoryName } from "./images.js";
import { awsProvider } from "./provider.js";
import { configureStateBackend } from "./state-backend.js";

export interface BootstrapStackProps {
  /** The stack's name: its config file's name. */
  readonly stackName: string;
  /** The validated config of a bootstrap stack (`github` is required). */
  readonly config: TrackgraphConfig;
}

/**
 * Applied once per account, before any environment stack: the Terraform state bucket, the ECR
 * repositories, and GitHub's OIDC provider with two roles: a read-only plan role for pull requests and a
 * deploy role that only the protected GitHub environment can assume.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, props.stackName);
    const { config, stackName } = props;
    const github = config.github;
    if (github === undefined) throw new Error("a bootstrap stack needs github.repository");
    // Its own state stays local until the bucket it creates exists; see the README for the migration.
    configureStateBackend(this, stackName, { ...config, state: undefined });
    Aspects.of(this).add(new ApplyOrder());
    awsProvider(this, stackName, config);
    const naming = new Naming(config, stackName);
    // Its data sources were first made inside the key: they keep those addresses.
    const aws = new AwsScope(this, "aws-scope", { addressPrefix: "key" });
    const key = new EncryptionKey(this, "key", {
      aws,
      alias: naming.name("state"),
      description: `TrackGraph ${stackName}: Terraform state and container images`,
    });

    const state = new SecureBucket(this, "state", {
      naming,
      purpose: "tfstate",
      encryption: { kind: "kms", key },
      versioned: true,
      forceDestroy: false,
      noncurrentVersionDays: config.bootstrap.stateNoncurrentVersionDays,
      checkovSkips: [
        "CKV_AWS_18: no server access log: a second bucket only for this bucket's access logs, in every account; who read or wrote state is recorded only where the account's CloudTrail logs S3 data events, which this stack does not turn on (the README says so).",
        "CKV_AWS_144: versioning keeps every state; cross-region replication of a few kilobytes would add a second region to bootstrap.",
        "CKV2_AWS_62: nothing reacts to state writes.",
      ],
    });

    const extraRegions = config.bootstrap.imageRegions.filter((r) => r !== config.region);
    const repositories = new ImageRepositories(this, "image-repositories", {
      names: config.bootstrap.ecrRepositories,
      repositoryName: (name) => repositoryName(config.project, name),
      kmsKeyArn: key.keyArn,
      otherRegions: extraRegions.map((region) => ({
        region,
        provider: awsProvider(this, stackName, config, {
          id: `aws-${region}`,
          alias: region.replaceAll("-", "_"),
          region,
        }),
      })),
    });
    const boundary = new WorkloadBoundary(this, "boundary", { name: boundaryPolicyName(config.project) });
    const roles = new GitHubDeployRoles(this, "github", {
      repository: github.repository,
      deployBranch: github.deployBranch,
      deployEnvironment: github.deployEnvironment,
      existingOidcProvider: github.oidcProvider === "existing",
      planRoleName: naming.name("plan"),
      deployRoleName: naming.name("deploy"),
      partition: aws.partition,
      projectRolesArn: aws.arn("iam", `role/${config.project}-*`, ""),
      bootstrapRolesArn: aws.arn("iam", `role/${naming.name("*")}`, ""),
      boundaryArn: boundary.arn,
      state,
      stateKey: key,
    });

    new TerraformOutput(this, "state_bucket", { value: state.bucketName });
    new TerraformOutput(this, "state_kms_key_arn", { value: key.keyArn });
    new TerraformOutput(this, "plan_role_arn", { value: roles.planRole.arn });
    new TerraformOutput(this, "deploy_role_arn", { value: roles.deployRole.arn });
    new TerraformOutput(this, "workload_boundary_arn", { value: boundary.arn });
    new TerraformOutput(this, "ecr_repositories", {
      value: repositories.urls,
    });
  }
  /** Resources in an address group keep the address they would have without it. */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    return super.allocateLogicalId(withoutAddressGroups(element));
  }
}
