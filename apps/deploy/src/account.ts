/**
 * Everything the deploy asks of or does to the AWS account, as one small interface. `sdkAccount()` is the
 * real one (AWS SDK v3; `AWS_ENDPOINT_URL` points it at moto in tests); unit tests give an in-memory fake.
 * Every method is a read except `createServiceLinkedRole`, `putSecretValue`, `putRetentionPolicy`, and the short-lived
 * credentials `ecrLogin` and `createGrafanaToken` (deleted again by `deleteGrafanaToken`).
 */
export interface Account {
  /** STS GetCallerIdentity. */
  callerIdentity(region: string): Promise<{ account: string; arn: string }>;
  /** Lambda GetAccountSettings: the account's concurrency limit and what is left unreserved. */
  lambdaConcurrency(region: string): Promise<{ limit: number; unreserved: number | undefined }>;
  /** App Runner ListServices: whether this account may use App Runner in the region, and why not. */
  appRunnerAvailability(region: string): Promise<Availability>;
  /** sso-admin ListInstances: IAM Identity Center instances visible in the region. */
  identityCenterInstances(region: string): Promise<number>;
  /**
   * Which of `services` (AWS's service codes: "aps", "grafana", "apprunner") AWS lists for `region`, from
   * the public SSM parameters under /aws/service/global-infrastructure/regions/<region>/services.
   */
  regionalServices(region: string, services: readonly string[]): Promise<Set<string>>;
  /** IAM GetRole. */
  roleExists(roleName: string): Promise<boolean>;
  /** IAM CreateServiceLinkedRole; "exists" when IAM says the role is already there. */
  createServiceLinkedRole(service: string): Promise<"created" | "exists">;
  /** S3 HeadBucket. */
  bucketExists(bucket: string, region: string): Promise<boolean>;
  /** ECR DescribeRepositories. */
  repositoryExists(repository: string, region: string): Promise<boolean>;
  /** ECR DescribeImages by tag or digest (neither: any image in the repository). */
  image(ref: ImageRef): Promise<"present" | "missing" | "no-repository">;
  /** ECR GetAuthorizationToken: the registry host and the credentials for `docker login`. */
  ecrLogin(region: string): Promise<{ registry: string; username: string; password: string }>;
  /** Secrets Manager DescribeSecret: missing, created without a current value, or with one. */
  secretValue(name: string, region: string): Promise<"missing" | "empty" | "set">;
  /** Secrets Manager PutSecretValue. */
  putSecretValue(name: string, region: string, value: string): Promise<void>;
  /** CloudWatch Logs DescribeLogGroups, every page: the groups named `prefix`..., with their retention. */
  logGroups(prefix: string, region: string): Promise<LogGroup[]>;
  /** CloudWatch Logs PutRetentionPolicy. */
  putRetentionPolicy(logGroup: string, days: number, region: string): Promise<void>;
  /** Managed Grafana CreateWorkspaceServiceAccountToken: a token living `seconds`, for one apply. */
  createGrafanaToken(token: GrafanaTokenRequest): Promise<{ tokenId: string; key: string }>;
  /** Managed Grafana DeleteWorkspaceServiceAccountToken. */
  deleteGrafanaToken(
    token: Omit<GrafanaTokenRequest, "name" | "seconds"> & { tokenId: string },
  ): Promise<void>;
}

export interface GrafanaTokenRequest {
  region: string;
  workspaceId: string;
  serviceAccountId: string;
  name: string;
  seconds: number;
}

export interface LogGroup {
  name: string;
  /** undefined: the group's events never expire. */
  retentionDays: number | undefined;
}

export type Availability = { usable: true } | { usable: false; reason: string };

export interface ImageRef {
  repository: string;
  region: string;
  tag: string | null;
  digest?: string | undefined;
}

/** `repo:tag`, `repo@sha256:...` or the bare repository. */
export function imageName(ref: ImageRef): string {
  if (ref.tag !== null) return `${ref.repository}:${ref.tag}`;
  return ref.digest === undefined ? ref.repository : `${ref.repository}@${ref.digest}`;
}
