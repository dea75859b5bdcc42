import { appendFileSync } from "node:fs";
import type { Account, Availability, DeployManifest, GrafanaTokenRequest, ImageRef } from "../src/index.js";
import { readLog } from "./fixtures.js";

/**
 * An AWS account in memory, for the unit tier. Every call is appended to the same log as the fake programs
 * (`{prog: "aws", argv: [Operation, ...]}`), so a test reads one timeline. It also plays what the fake
 * programs would have done to a real account: an apply of the bootstrap stack makes its bucket and
 * repositories, a targeted apply makes the secrets (without a value), `docker push` makes the image.
 */
export class FakeAccount implements Account {
  accountId = "123456789012";
  lambdaLimit = 1000;
  appRunner: Availability = { usable: true };
  ssoInstances = 1;
  regionServices = new Set(["aps", "grafana", "apprunner"]);
  roles = new Set<string>();
  buckets = new Set<string>();
  /** `region/repository` */
  repositories = new Set<string>();
  /** `region/repository:tag` or `region/repository@digest` */
  images = new Set<string>();
  secrets = new Map<string, "empty" | "set">();
  /** Every value put, in order (the test checks them; the deploy must never print them). */
  puts: { name: string; value: string }[] = [];
  /** `region|log group name` -> retention days (undefined: never expires). */
  logGroupRetention = new Map<string, number | undefined>();
  /** false: App Runner's services have not logged yet, so the apply makes only their `/service` groups. */
  appRunnerServicesLogged = true;
  private seen = 0;

  constructor(
    readonly log: string,
    readonly manifest: DeployManifest,
  ) {}

  private call(operation: string, ...args: string[]): void {
    this.sync();
    appendFileSync(this.log, `${JSON.stringify({ prog: "aws", argv: [operation, ...args] })}\n`);
    this.seen += 1;
  }

  /** Applies the effects of the fake programs that ran since the last call. */
  private sync(): void {
    const entries = readLog(this.log);
    for (const entry of entries.slice(this.seen)) {
      if ((entry.prog === "terraform" || entry.prog === "tofu") && entry.argv.includes("apply"))
        this.applied(entry.argv);
      if (entry.prog === "docker" && entry.argv[0] === "push") this.pushed(entry.argv[1] ?? "");
    }
    this.seen = entries.length;
  }

  /** A Terraform apply: the bootstrap stack makes its bucket and repositories, a targeted one its secrets. */
  private applied(args: string[]): void {
    const dir = args.find((a) => a.startsWith("-chdir="))?.slice("-chdir=".length) ?? "";
    const bootstrap = this.manifest.bootstrap;
    if (bootstrap !== null && dir.endsWith(`/${bootstrap.stack}`)) {
      if (bootstrap.stateBucket !== null) this.buckets.add(bootstrap.stateBucket);
      const regions = new Set([bootstrap.region, ...this.manifest.images.map((i) => i.region)]);
      for (const region of regions)
        for (const repository of bootstrap.repositories) this.repositories.add(`${region}/${repository}`);
    }
    const targets = args.filter((a) => a.startsWith("-target="));
    if (dir.endsWith(`/${this.manifest.stack}`) && targets.length === 0) this.appRunnerMadeLogGroups();
    for (const target of targets) {
      const secret = this.manifest.secrets.find((s) => `-target=${s.address}` === target);
      if (secret !== undefined && !this.secrets.has(secret.name)) this.secrets.set(secret.name, "empty");
    }
  }

  /** What App Runner does once the apply made its services: their log groups, without a retention. */
  private appRunnerMadeLogGroups(): void {
    for (const service of this.manifest.appRunnerLogs?.services ?? []) {
      const dir = `/aws/apprunner/${service}/0123456789abcdef0123456789abcdef`;
      const made = this.appRunnerServicesLogged ? ["service", "application"] : ["service"];
      for (const kind of made) {
        const key = `${this.manifest.region}|${dir}/${kind}`;
        if (!this.logGroupRetention.has(key)) this.logGroupRetention.set(key, undefined);
      }
    }
  }

  private pushed(ref: string): void {
    const region = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\//.exec(ref)?.[1] ?? "";
    this.images.add(`${region}/${ref.slice(ref.indexOf("/") + 1)}`);
  }

  async callerIdentity(region: string) {
    this.call("GetCallerIdentity", region);
    return { account: this.accountId, arn: `arn:aws:iam::${this.accountId}:user/deployer` };
  }
  async lambdaConcurrency(region: string): Promise<{ limit: number; unreserved: number | undefined }> {
    this.call("GetAccountSettings", region);
    return { limit: this.lambdaLimit, unreserved: this.lambdaLimit };
  }
  async appRunnerAvailability(region: string) {
    this.call("ListServices", region);
    return this.appRunner;
  }
  async identityCenterInstances(region: string) {
    this.call("ListInstances", region);
    return this.ssoInstances;
  }
  async regionalServices(region: string, services: readonly string[]) {
    this.call("GetParameters", region, ...services);
    return new Set(services.filter((s) => this.regionServices.has(s)));
  }
  async roleExists(roleName: string) {
    this.call("GetRole", roleName);
    return this.roles.has(roleName);
  }
  async createServiceLinkedRole(service: string) {
    this.call("CreateServiceLinkedRole", service);
    const names: Record<string, string> = {
      "ecs.amazonaws.com": "AWSServiceRoleForECS",
      "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
      "ecs.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_ECSService",
      "apprunner.amazonaws.com": "AWSServiceRoleForAppRunner",
    };
    const name = names[service] ?? service;
    if (this.roles.has(name)) return "exists" as const;
    this.roles.add(name);
    return "created" as const;
  }
  async bucketExists(bucket: string, region: string) {
    this.call("HeadBucket", bucket, region);
    return this.buckets.has(bucket);
  }
  async repositoryExists(repository: string, region: string) {
    this.call("DescribeRepositories", repository, region);
    return this.repositories.has(`${region}/${repository}`);
  }
  async image(ref: ImageRef) {
    this.call("DescribeImages", ref.repository, ref.tag ?? ref.digest ?? "", ref.region);
    if (!this.repositories.has(`${ref.region}/${ref.repository}`)) return "no-repository" as const;
    const key = `${ref.region}/${ref.repository}${ref.tag !== null ? `:${ref.tag}` : `@${ref.digest}`}`;
    return this.images.has(key) ? ("present" as const) : ("missing" as const);
  }
  async ecrLogin(region: string) {
    this.call("GetAuthorizationToken", region);
    return {
      registry: `${this.accountId}.dkr.ecr.${region}.amazonaws.com`,
      username: "AWS",
      password: "fake-ecr-password",
    };
  }
  async secretValue(name: string, region: string) {
    this.call("DescribeSecret", name, region);
    return this.secrets.get(name) ?? ("missing" as const);
  }
  async putSecretValue(name: string, region: string, value: string) {
    this.call("PutSecretValue", name, region);
    this.puts.push({ name, value });
    this.secrets.set(name, "set");
  }

  async logGroups(prefix: string, region: string) {
    this.call("DescribeLogGroups", prefix, region);
    return [...this.logGroupRetention]
      .filter(([key]) => key.startsWith(`${region}|${prefix}`))
      .map(([key, retentionDays]) => ({ name: key.slice(region.length + 1), retentionDays }));
  }
  async putRetentionPolicy(logGroup: string, days: number, region: string) {
    this.call("PutRetentionPolicy", logGroup, String(days), region);
    this.logGroupRetention.set(`${region}|${logGroup}`, days);
  }

  /** Grafana tokens that exist now, by id. */
  grafanaTokens = new Map<string, GrafanaTokenRequest>();
  private tokens = 0;

  async createGrafanaToken(request: GrafanaTokenRequest) {
    this.call(
      "CreateWorkspaceServiceAccountToken",
      request.workspaceId,
      request.serviceAccountId,
      String(request.seconds),
    );
    this.tokens += 1;
    const tokenId = `token-${this.tokens}`;
    this.grafanaTokens.set(tokenId, request);
    return { tokenId, key: `glsa_fake_grafana_key_${this.tokens}` };
  }
  async deleteGrafanaToken(request: {
    region: string;
    workspaceId: string;
    serviceAccountId: string;
    tokenId: string;
  }) {
    this.call(
      "DeleteWorkspaceServiceAccountToken",
      request.workspaceId,
      request.serviceAccountId,
      request.tokenId,
    );
    this.grafanaTokens.delete(request.tokenId);
  }

  /** The state of an account where a deploy of `manifest` already ran. */
  deployed(): this {
    for (const name of [
      "AWSServiceRoleForECS",
      "AWSServiceRoleForElasticLoadBalancing",
      "AWSServiceRoleForApplicationAutoScaling_ECSService",
      "AWSServiceRoleForAppRunner",
    ])
      this.roles.add(name);
    const b = this.manifest.bootstrap;
    if (b?.stateBucket) this.buckets.add(b.stateBucket);
    for (const image of this.manifest.images) {
      this.repositories.add(`${image.region}/${image.repository}`);
      this.images.add(
        `${image.region}/${image.repository}${image.tag !== null ? `:${image.tag}` : `@${image.digest}`}`,
      );
    }
    if (b) for (const r of b.repositories) this.repositories.add(`${b.region}/${r}`);
    for (const s of this.manifest.secrets) this.secrets.set(s.name, "set");
    return this;
  }
}
