import { createHash } from "node:crypto";
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { MotoServer } from "@trackgraph/test-peers";
import { SERVICE_LINKED_ROLES } from "../src/index.js";

/** A Docker image manifest (schema 2) whose digest differs per `seed`; ECR accepts it for PutImage. */
export function imageManifest(seed: string): string {
  const digest = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: 1234,
      digest: digest(`config ${seed}`),
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: 5678,
        digest: digest(`layer ${seed}`),
      },
    ],
  });
}

/** SDK clients on moto, and what the cases seed: the state a real account would have. */
export function seeder(moto: MotoServer, region = "us-east-1") {
  const config = { ...moto.clientConfig, region };
  const ecr = new ECRClient(config);
  const iam = new IAMClient(config);
  const s3 = new S3Client(config);
  const secrets = new SecretsManagerClient(config);
  return {
    ecr,
    iam,
    s3,
    secrets,
    /** A service-linked role under the name and path IAM gives it (moto's CreateServiceLinkedRole names differ). */
    async role(service: string) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: SERVICE_LINKED_ROLES[service],
          Path: `/aws-service-role/${service}/`,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
          }),
        }),
      );
    },
    async bucket(name: string) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async repository(name: string) {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    },
    /** Pushes an image (its manifest) and returns its digest. */
    async image(repository: string, tag: string): Promise<string> {
      const out = await ecr.send(
        new PutImageCommand({ repositoryName: repository, imageTag: tag, imageManifest: imageManifest(tag) }),
      );
      return out.image?.imageId?.imageDigest ?? "";
    },
    async secret(name: string, value?: string) {
      await secrets.send(new CreateSecretCommand({ Name: name }));
      if (value !== undefined)
        await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    },
  };
}
