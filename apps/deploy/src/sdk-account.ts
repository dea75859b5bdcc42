import { AppRunnerClient, ListServicesCommand } from "@aws-sdk/client-apprunner";
import {
  CloudWatchLogsClient,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageIdentifier,
} from "@aws-sdk/client-ecr";
import {
  CreateWorkspaceServiceAccountTokenCommand,
  DeleteWorkspaceServiceAccountTokenCommand,
  GrafanaClient,
} from "@aws-sdk/client-grafana";
import { CreateServiceLinkedRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { ListInstancesCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Account, Availability, ImageRef, LogGroup } from "./account.js";

/**
 * Settings every client gets besides its region: nothing for a person's run (the default credential chain,
 * `AWS_ENDPOINT_URL` if set); tests may pass a moto server's endpoint and credentials, or a request
 * handler that replays recorded responses.
 */
export type ClientSettings = Record<string, unknown>;

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const errorName = (error: unknown): string => (error as AwsError)?.name ?? "";
const httpStatus = (error: unknown): number | undefined => (error as AwsError)?.$metadata?.httpStatusCode;

/** IAM is global: its API lives in us-east-1 for the commercial partition. */
const IAM_REGION = "us-east-1";

/** The account through the AWS SDK for JavaScript v3. */
export function sdkAccount(settings: ClientSettings = {}): Account {
  const cache = new Map<string, unknown>();
  // One client per service and region, made on first use.
  const client = <T>(kind: string, region: string, make: (config: { region: string }) => T): T => {
    const key = `${kind}/${region}`;
    let made = cache.get(key) as T | undefined;
    if (made === undefined) {
      made = make({ ...settings, region });
      cache.set(key, made);
    }
    return made;
  };
  const sts = (r: string) => client("sts", r, (c) => new STSClient(c));
  const lambda = (r: string) => client("lambda", r, (c) => new LambdaClient(c));
  const apprunner = (r: string) => client("apprunner", r, (c) => new AppRunnerClient(c));
  const sso = (r: string) => client("sso-admin", r, (c) => new SSOAdminClient(c));
  const ssm = (r: string) => client("ssm", r, (c) => new SSMClient(c));
  const iam = () => client("iam", IAM_REGION, (c) => new IAMClient(c));
  const s3 = (r: string) => client("s3", r, (c) => new S3Client(c));
  const ecr = (r: string) => client("ecr", r, (c) => new ECRClient(c));
  const secrets = (r: string) => client("secretsmanager", r, (c) => new SecretsManagerClient(c));
  const grafana = (r: string) => client("grafana", r, (c) => new GrafanaClient(c));
  const logs = (r: string) => client("logs", r, (c) => new CloudWatchLogsClient(c));

  return {
    async callerIdentity(region) {
      const out = await sts(region).send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? "", arn: out.Arn ?? "" };
    },

    async lambdaConcurrency(region) {
      const out = await lambda(region).send(new GetAccountSettingsCommand({}));
      const limit = out.AccountLimit?.ConcurrentExecutions;
      if (limit === undefined) throw new Error("Lambda GetAccountSettings returned no ConcurrentExecutions");
      return { limit, unreserved: out.AccountLimit?.UnreservedConcurrentExecutions };
    },

    async appRunnerAvailability(region): Promise<Availability> {
      try {
        await apprunner(region).send(new ListServicesCommand({ MaxResults: 1 }));
        return { usable: true };
      } catch (error) {
        const code = (error as AwsError).code;
        if (code === "ENOTFOUND" || code === "EAI_AGAIN")
          return { usable: false, reason: `App Runner has no endpoint in ${region}` };
        const status = httpStatus(error);
        // A 4xx is the service's answer about this account (AccessDenied, SubscriptionRequired, OptInRequired...);
        // anything else (throttling, 5xx) says nothing about it and is reported as it is.
        if (status !== undefined && status >= 400 && status < 500)
          return {
            usable: false,
            reason: `${errorName(error)}: ${(error as AwsError).message ?? ""}`.trim(),
          };
        throw error;
      }
    },

    async identityCenterInstances(region) {
      const out = await sso(region).send(new ListInstancesCommand({}));
      return (out.Instances ?? []).filter((i) => i.Status === undefined || i.Status === "ACTIVE").length;
    },

    async regionalServices(region, services) {
      const prefix = `/aws/service/global-infrastructure/regions/${region}/services/`;
      // GetParameters answers for the few names in one call; the path holds ~400 services (40 pages).
      const out = await ssm(region).send(
        new GetParametersCommand({ Names: services.map((s) => prefix + s) }),
      );
      return new Set((out.Parameters ?? []).map((p) => (p.Name ?? "").slice(prefix.length)));
    },

    async roleExists(roleName) {
      try {
        await iam().send(new GetRoleCommand({ RoleName: roleName }));
        return true;
      } catch (error) {
        if (errorName(error) === "NoSuchEntityException" || errorName(error) === "NoSuchEntity") return false;
        throw error;
      }
    },

    async createServiceLinkedRole(service) {
      try {
        await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: service }));
        return "created";
      } catch (error) {
        // IAM answers InvalidInput "Service role name ... has been taken in this account" for an existing
        // role (moto: EntityAlreadyExists).
        const message = (error as AwsError).message ?? "";
        if (errorName(error).startsWith("InvalidInput") && /has been taken/i.test(message)) return "exists";
        if (errorName(error).startsWith("EntityAlreadyExists")) return "exists";
        throw error;
      }
    },

    async bucketExists(bucket, region) {
      try {
        await s3(region).send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (error) {
        if (
          errorName(error) === "NotFound" ||
          errorName(error) === "NoSuchBucket" ||
          httpStatus(error) === 404
        )
          return false;
        if (httpStatus(error) === 403)
          throw new Error(
            `S3 bucket ${bucket} exists but these credentials may not read it (HeadBucket: 403): it belongs to another account, or the credentials lack s3:ListBucket`,
          );
        throw error;
      }
    },

    async repositoryExists(repository, region) {
      try {
        await ecr(region).send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
        return true;
      } catch (error) {
        if (errorName(error) === "RepositoryNotFoundException") return false;
        throw error;
      }
    },

    async image(ref: ImageRef) {
      const id: ImageIdentifier | undefined =
        ref.tag !== null
          ? { imageTag: ref.tag }
          : ref.digest !== undefined
            ? { imageDigest: ref.digest }
            : undefined;
      try {
        const out = await ecr(ref.region).send(
          new DescribeImagesCommand({
            repositoryName: ref.repository,
            ...(id === undefined ? { maxResults: 1 } : { imageIds: [id] }),
          }),
        );
        return (out.imageDetails ?? []).length > 0 ? "present" : "missing";
      } catch (error) {
        if (errorName(error) === "ImageNotFoundException") return "missing";
        if (errorName(error) === "RepositoryNotFoundException") return "no-repository";
        throw error;
      }
    },

    async ecrLogin(region) {
      const out = await ecr(region).send(new GetAuthorizationTokenCommand({}));
      const data = out.authorizationData?.[0];
      if (data?.authorizationToken === undefined || data.proxyEndpoint === undefined)
        throw new Error(`ECR GetAuthorizationToken in ${region} returned no token`);
      const decoded = Buffer.from(data.authorizationToken, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0)
        throw new Error(`ECR GetAuthorizationToken in ${region} returned a token of an unknown form`);
      return {
        registry: data.proxyEndpoint.replace(/^https?:\/\//, "").replace(/\/+$/, ""),
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
      };
    },

    async secretValue(name, region) {
      try {
        const out = await secrets(region).send(new DescribeSecretCommand({ SecretId: name }));
        const stages = Object.values(out.VersionIdsToStages ?? {}).flat();
        return stages.includes("AWSCURRENT") ? "set" : "empty";
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") return "missing";
        throw error;
      }
    },

    async putSecretValue(name, region, value) {
      await secrets(region).send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    },

    async logGroups(prefix, region) {
      const groups: LogGroup[] = [];
      for await (const page of paginateDescribeLogGroups(
        { client: logs(region) },
        { logGroupNamePrefix: prefix },
      ))
        for (const g of page.logGroups ?? [])
          if (g.logGroupName !== undefined)
            groups.push({ name: g.logGroupName, retentionDays: g.retentionInDays });
      return groups;
    },

    async putRetentionPolicy(logGroup, days, region) {
      await logs(region).send(
        new PutRetentionPolicyCommand({ logGroupName: logGroup, retentionInDays: days }),
      );
    },

    async createGrafanaToken({ region, workspaceId, serviceAccountId, name, seconds }) {
      const out = await grafana(region).send(
        new CreateWorkspaceServiceAccountTokenCommand({
          workspaceId,
          serviceAccountId,
          name,
          secondsToLive: seconds,
        }),
      );
      const token = out.serviceAccountToken;
      if (token?.id === undefined || token.key === undefined)
        throw new Error(`Grafana CreateWorkspaceServiceAccountToken in ${region} returned no token`);
      return { tokenId: token.id, key: token.key };
    },

    async deleteGrafanaToken({ region, workspaceId, serviceAccountId, tokenId }) {
      await grafana(region).send(
        new DeleteWorkspaceServiceAccountTokenCommand({ workspaceId, serviceAccountId, tokenId }),
      );
    },
  };
}
