import { DataAwsEcrRepository } from "@cdktf/provider-aws/lib/data-aws-ecr-repository/index.js";
import { Construct } from "constructs";
import type { IGrantable } from "./grants.js";

/** An image by repository and tag, or by digest (exactly one of them). */
export interface ImageReference {
  /** The full ECR repository name, e.g. `trackgraph/backend`. */
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** An image in one of this account's ECR repositories (made by the bootstrap stack), by tag or digest. */
export class ContainerImage extends Construct {
  readonly uri: string;
  readonly repository: DataAwsEcrRepository;

  constructor(scope: Construct, id: string, image: ImageReference) {
    super(scope, id);
    this.repository = new DataAwsEcrRepository(this, "repository", { name: image.repository });
    this.uri =
      image.digest !== undefined
        ? `${this.repository.repositoryUrl}@${image.digest}`
        : `${this.repository.repositoryUrl}:${requireTag(image)}`;
  }

  /** Lets `grantee` pull this image: statements `<sidPrefix>PullImage`, `<sidPrefix>EcrToken`. */
  grantPull(grantee: IGrantable, sidPrefix: string): void {
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}PullImage`,
      actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      resources: [this.repository.arn],
    });
    // ecr:GetAuthorizationToken has no resource-level permissions: "*" is required.
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}EcrToken`,
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    });
  }
}

function requireTag(image: ImageReference): string {
  if (image.tag === undefined) throw new Error(`image ${image.repository}: give a tag or a digest`);
  return image.tag;
}
