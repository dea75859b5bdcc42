import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";
import { AddressGroup } from "./address-group.js";

export interface ImageRepositoriesProps {
  /** Short names (`backend`): the construct ids, `ecr-<short name>`, and the keys of {@link ImageRepositories.urls}. */
  readonly names: readonly string[];
  /** The full repository name of a short name (`<project>/backend`). */
  readonly repositoryName: (name: string) => string;
  /** The CMK of the stack's own region, for its repositories. */
  readonly kmsKeyArn: string;
  /**
   * Further regions that get a copy of every repository, each with its provider (a CMK serves its own
   * region only: the copies use ECR's AWS-managed key).
   * @default none
   */
  readonly otherRegions?: ReadonlyArray<{ readonly region: string; readonly provider: AwsProvider }>;
}

/** The lifecycle of every repository: untagged images after 7 days, at most 50 images. */
const LIFECYCLE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: "untagged images go after 7 days",
      selection: {
        tagStatus: "untagged",
        countType: "sinceImagePushed",
        countUnit: "days",
        countNumber: 7,
      },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: "keep the last 50 images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
      action: { type: "expire" },
    },
  ],
});

/**
 * ECR repositories: IMMUTABLE tags, scan on push, KMS, and a lifecycle policy each; in the stack's region
 * with its CMK, and in each other region with ECR's AWS-managed key. An {@link AddressGroup}: the
 * repositories are addressed as its scope's (`ecr-<name>`, `ecr-<name>-<region>`).
 */
export class ImageRepositories extends AddressGroup {
  /** Short name -> repository URL, in the stack's own region. */
  readonly urls: Record<string, string>;

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const home = props.names.map(
      (name) => [name, this.repository(`ecr-${name}`, props.repositoryName(name), props.kmsKeyArn)] as const,
    );
    for (const { region, provider } of props.otherRegions ?? []) {
      for (const name of props.names) {
        this.repository(`ecr-${name}-${region}`, props.repositoryName(name), undefined, provider);
      }
    }
    this.urls = Object.fromEntries(home.map(([name, repository]) => [name, repository.repositoryUrl]));
  }

  /** An IMMUTABLE, scanned, KMS-encrypted repository that keeps the last 50 images. */
  private repository(id: string, name: string, kmsKeyArn: string | undefined, provider?: AwsProvider) {
    const repository = new EcrRepository(this, id, {
      name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        { encryptionType: "KMS", ...(kmsKeyArn === undefined ? {} : { kmsKey: kmsKeyArn }) },
      ],
      ...(provider === undefined ? {} : { provider }),
    });
    new EcrLifecyclePolicy(this, `${id}-lifecycle`, {
      repository: repository.name,
      ...(provider === undefined ? {} : { provider }),
      policy: LIFECYCLE,
    });
    return repository;
  }
}
