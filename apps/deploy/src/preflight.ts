import { type Account, type ImageRef, imageName } from "./account.js";
import type { DeployManifest } from "./manifest.js";
import type { ProcessRunner } from "./process.js";
import { serviceLinkedRoleName } from "./service-linked-roles.js";
import { findDocker, findTerraform } from "./tools.js";

export type Status = "PASS" | "WARN" | "FAIL";

/** One preflight check: what it found and, unless it passed, exactly what to do. */
export interface Check {
  name: string;
  status: Status;
  found: string;
  todo?: string;
}

/** What preflight checks: an environment stack from its deploy.json, or a stack with only a provider. */
export type PreflightSubject =
  | { kind: "environment"; manifest: DeployManifest }
  | { kind: "plain"; stack: string; region: string; accountId: string | null };

export interface PreflightReport {
  stack: string;
  region: string;
  checks: Check[];
  ok: boolean;
}

/** Lambda refuses a reservation that leaves fewer than this many executions unreserved in the account. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** Service Quotas code of Lambda's "Concurrent executions". */
const LAMBDA_QUOTA_CODE = "L-B99A9384";

const errorText = (error: unknown) =>
  error instanceof Error
    ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
    : String(error);

/** Runs `body`; an exception becomes a FAIL naming the API call and the permission it needs. */
async function guarded(name: string, action: string, body: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    const out = await body();
    return Array.isArray(out) ? out : [out];
  } catch (error) {
    return [
      {
        name,
        status: "FAIL",
        found: `${action} failed: ${errorText(error)}`,
        todo: `let these credentials call ${action} (read-only), or fix what the error says; then run again`,
      },
    ];
  }
}

/**
 * What the bootstrap stack has yet to make: its state bucket, or one of its ECR repositories in a region an
 * image is pushed to. Empty when the bootstrap is applied (or the stack has none).
 */
export async function bootstrapGaps(manifest: DeployManifest, account: Account): Promise<string[]> {
  const bootstrap = manifest.bootstrap;
  if (bootstrap === null) return [];
  const gaps: string[] = [];
  if (
    bootstrap.stateBucket !== null &&
    !(await account.bucketExists(bootstrap.stateBucket, bootstrap.region))
  )
    gaps.push(`state bucket ${bootstrap.stateBucket}`);
  const regions = [...new Set(manifest.images.map((i) => i.region))];
  for (const region of regions.length === 0 ? [bootstrap.region] : regions)
    for (const repository of bootstrap.repositories)
      if (!(await account.repositoryExists(repository, region)))
        gaps.push(`ECR repository ${repository} in ${region}`);
  return gaps;
}

/** The command a person runs to give a secret its value (printed, never run). */
export function putSecretCommand(name: string, region: string): string {
  return `aws secretsmanager put-secret-value --region ${region} --secret-id ${name} --secret-string 'VALUE'`;
}

/** Read-only checks of the account and the tools, each with what to do when it does not pass. */
export async function runPreflight(
  subject: PreflightSubject,
  deps: { account: Account; runner: ProcessRunner },
): Promise<PreflightReport> {
  const { account, runner } = deps;
  const stack = subject.kind === "environment" ? subject.manifest.stack : subject.stack;
  const region = subject.kind === "environment" ? subject.manifest.region : subject.region;
  const accountId = subject.kind === "environment" ? subject.manifest.accountId : subject.accountId;
  const checks = await credentialsCheck(account, region, accountId, stack);
  const credentialsOk = checks[0]?.status === "PASS";
  const imagesToBuild: ImageRef[] = [];
  if (credentialsOk && subject.kind === "environment")
    checks.push(...(await environmentChecks(subject.manifest, account, imagesToBuild)));
  checks.push(...(await toolChecks(runner, imagesToBuild.length)));
  return { stack, region, checks, ok: checks.every((c) => c.status !== "FAIL") };
}

/** Credentials, and the account the config pins. Without them no other AWS check can answer. */
function credentialsCheck(
  account: Account,
  region: string,
  accountId: string | null,
  stack: string,
): Promise<Check[]> {
  return guarded("credentials", "sts:GetCallerIdentity", async () => {
    try {
      const me = await account.callerIdentity(region);
      if (accountId !== null && me.account !== accountId)
        return {
          name: "credentials",
          status: "FAIL",
          found: `${me.arn} is in account ${me.account}, but the stack config pins ${accountId}`,
          todo: `use credentials for account ${accountId} (e.g. AWS_PROFILE=<a profile of ${accountId}>), or change accountId in apps/infra/config/${stack.replace(/-dashboards$/, "")}.json`,
        };
      return {
        name: "credentials",
        status: "PASS",
        found: `${me.arn} (account ${me.account}${accountId === null ? "; the config pins none" : ""})`,
      };
    } catch (error) {
      return {
        name: "credentials",
        status: "FAIL",
        found: `no usable AWS credentials: ${errorText(error)}`,
        todo: "sign in (`aws sso login --profile NAME` then AWS_PROFILE=NAME, or `aws configure`), then run again",
      };
    }
  });
}

/** The account-level checks of an environment stack, in the order the report prints them. */
async function environmentChecks(
  m: DeployManifest,
  account: Account,
  imagesToBuild: ImageRef[],
): Promise<Check[]> {
  const region = m.region;
  return [
    ...(await lambdaConcurrencyCheck(m, account, region)),
    ...(await appRunnerCheck(m, account, region)),
    ...(await identityCenterCheck(m, account, region)),
    ...(await regionServicesCheck(m, account, region)),
    ...(await serviceLinkedRoleChecks(m, account)),
    ...(await bootstrapCheck(m, account)),
    ...(await imageChecks(m, account, imagesToBuild)),
    ...(await secretChecks(m, account, region)),
  ];
}

async function lambdaConcurrencyCheck(m: DeployManifest, account: Account, region: string): Promise<Check[]> {
  const reservation = m.lambda.reservedConcurrency;
  if (reservation === null) return [];
  return guarded("lambda concurrency", "lambda:GetAccountSettings", async () => {
    const { limit, unreserved } = await account.lambdaConcurrency(region);
    const left = limit - reservation;
    const found = `account limit ${limit} concurrent executions${unreserved === undefined ? "" : ` (${unreserved} unreserved now)`}; the log parser reserves ${reservation}, leaving ${left}`;
    if (left >= LAMBDA_UNRESERVED_MINIMUM) return { name: "lambda concurrency", status: "PASS", found };
    return {
      name: "lambda concurrency",
      status: "FAIL",
      found: `${found}; Lambda keeps at least ${LAMBDA_UNRESERVED_MINIMUM} unreserved`,
      todo: `request a quota increase of Lambda "Concurrent executions" (Service Quotas code ${LAMBDA_QUOTA_CODE}) in ${region} to at least ${reservation + LAMBDA_UNRESERVED_MINIMUM}, or drop the reservation (logPipeline.reservedConcurrency in the stack config)`,
    };
  });
}

async function appRunnerCheck(m: DeployManifest, account: Account, region: string): Promise<Check[]> {
  if (m.platform !== "app-runner") return [];
  return guarded("app runner", "apprunner:ListServices", async () => {
    const availability = await account.appRunnerAvailability(region);
    if (availability.usable)
      return { name: "app runner", status: "PASS", found: `App Runner answers in ${region}` };
    return {
      name: "app runner",
      status: "FAIL",
      found: `App Runner is not usable by this account in ${region} (${availability.reason})`,
      todo: `set backend.platform: "ecs-express" in apps/infra/config/${m.stack}.json`,
    };
  });
}

async function identityCenterCheck(m: DeployManifest, account: Account, region: string): Promise<Check[]> {
  if (m.grafana.authentication !== "AWS_SSO") return [];
  return guarded("identity center", "sso:ListInstances", async () => {
    const instances = await account.identityCenterInstances(region);
    if (instances > 0)
      return {
        name: "identity center",
        status: "PASS",
        found: `IAM Identity Center is enabled (${instances} instance${instances === 1 ? "" : "s"}) for Grafana's AWS_SSO sign-in`,
      };
    return {
      name: "identity center",
      status: "FAIL",
      found: `no IAM Identity Center instance in ${region}; Grafana's AWS_SSO sign-in needs one`,
      todo: `enable IAM Identity Center (console: IAM Identity Center > Enable) in ${region}, or set observability.grafana.authentication: "SAML" in apps/infra/config/${m.stack}.json`,
    };
  });
}

async function regionServicesCheck(m: DeployManifest, account: Account, region: string): Promise<Check[]> {
  const checks: Check[] = [];
  const wanted: [string, string][] = [
    ["aps", "Amazon Managed Service for Prometheus"],
    ["grafana", "Amazon Managed Grafana"],
    ...(m.platform === "app-runner" ? ([["apprunner", "AWS App Runner"]] as [string, string][]) : []),
  ];
  checks.push(
    ...(await guarded("region services", "ssm:GetParameters", async () => {
      const offered = await account.regionalServices(
        region,
        wanted.map(([code]) => code),
      );
      const missing = wanted.filter(([code]) => !offered.has(code));
      if (missing.length === 0)
        return {
          name: "region services",
          status: "PASS",
          found: `${region} offers ${wanted.map(([, name]) => name).join(", ")}`,
        };
      const onlyAppRunner = missing.every(([code]) => code === "apprunner");
      return {
        name: "region services",
        status: "FAIL",
        found: `${region} does not offer ${missing.map(([, name]) => name).join(", ")}`,
        todo: onlyAppRunner
          ? `set backend.platform: "ecs-express" in apps/infra/config/${m.stack}.json, or choose a region with App Runner`
          : `choose a region that offers them (e.g. us-east-1, us-west-2, eu-west-1, eu-central-1): region in apps/infra/config/${m.stack}.json`,
      };
    })),
  );
  return checks;
}

async function serviceLinkedRoleChecks(m: DeployManifest, account: Account): Promise<Check[]> {
  const checks: Check[] = [];
  for (const service of m.serviceLinkedRoles) {
    const role = serviceLinkedRoleName(service);
    const name = `service-linked role ${role}`;
    checks.push(
      ...(await guarded(name, "iam:GetRole", async () =>
        (await account.roleExists(role))
          ? { name, status: "PASS", found: "exists" }
          : {
              name,
              status: "WARN",
              found: "missing",
              todo: `nothing: deploy creates it (iam CreateServiceLinkedRole for ${service}) before the bootstrap`,
            },
      )),
    );
  }
  return checks;
}

async function bootstrapCheck(m: DeployManifest, account: Account): Promise<Check[]> {
  const bootstrap = m.bootstrap;
  if (bootstrap === null) return [];
  return guarded("bootstrap", "s3:ListBucket / ecr:DescribeRepositories", async () => {
    const gaps = await bootstrapGaps(m, account);
    return gaps.length === 0
      ? { name: "bootstrap", status: "PASS", found: `stack ${bootstrap.stack} is applied` }
      : {
          name: "bootstrap",
          status: "WARN",
          found: `missing: ${gaps.join(", ")}`,
          todo: `nothing: deploy applies the ${bootstrap.stack} stack first`,
        };
  });
}

/** One check per image; those deploy will build are added to `imagesToBuild`. */
async function imageChecks(m: DeployManifest, account: Account, imagesToBuild: ImageRef[]): Promise<Check[]> {
  const bootstrapMakes = (repository: string) => m.bootstrap?.repositories.includes(repository) === true;
  const checks: Check[] = [];
  for (const image of m.images) {
    const name = `image ${imageName(image)}`;
    checks.push(
      ...(await guarded(name, "ecr:DescribeImages", async () => {
        const check = imageCheck(name, image, await account.image(image), bootstrapMakes(image.repository));
        if (check.status === "WARN") imagesToBuild.push(image);
        return check;
      })),
    );
  }
  return checks;
}

/** PASS when ECR has the image, WARN when deploy can build it, FAIL when it cannot. */
function imageCheck(
  name: string,
  image: DeployManifest["images"][number],
  state: Awaited<ReturnType<Account["image"]>>,
  bootstrapMakesRepository: boolean,
): Check {
  if (state === "present") return { name, status: "PASS", found: `in ECR (${image.region})` };
  if (image.tag === null)
    return {
      name,
      status: "FAIL",
      found:
        state === "no-repository"
          ? `repository ${image.repository} does not exist in ${image.region}`
          : `not in ECR (${image.region})${image.digest === undefined ? "; deploy.json names no digest, so any image would do" : ""}`,
      todo: `push that image to ${image.repository} in ${image.region} (deploy never builds a digest-pinned image), or pin a digest that exists, or drop the digest so deploy builds a tag`,
    };
  if (state === "no-repository" && !bootstrapMakesRepository)
    return {
      name,
      status: "FAIL",
      found: `repository ${image.repository} does not exist in ${image.region}, and the bootstrap stack does not make it`,
      todo: `add it to the bootstrap stack's bootstrap.ecrRepositories, or create it (aws ecr create-repository --region ${image.region} --repository-name ${image.repository})`,
    };
  return {
    name,
    status: "WARN",
    found: `not in ECR (${image.region})`,
    todo: `nothing: deploy builds and pushes it from ${image.context}`,
  };
}

async function secretChecks(m: DeployManifest, account: Account, region: string): Promise<Check[]> {
  const checks: Check[] = [];
  for (const secret of m.secrets.filter((s) => !s.generate)) {
    const name = `secret ${secret.name}`;
    checks.push(
      ...(await guarded(name, "secretsmanager:DescribeSecret", async () => {
        const state = await account.secretValue(secret.name, region);
        if (state === "set") return { name, status: "PASS", found: "has a value" };
        return {
          name,
          status: "WARN",
          found: state === "missing" ? "not created yet (the user provides its value)" : "has no value",
          todo: `deploy ${state === "missing" ? "creates it, then " : ""}stops until you run: ${putSecretCommand(secret.name, region)}`,
        };
      })),
    );
  }
  return checks;
}

/** The tools: Terraform always, Docker only when an image must be built. */
async function toolChecks(runner: ProcessRunner, imagesToBuild: number): Promise<Check[]> {
  const checks: Check[] = [];
  const terraform = await findTerraform(runner);
  checks.push(
    terraform.ok
      ? { name: "terraform", status: "PASS", found: `${terraform.program} ${terraform.version}` }
      : { name: "terraform", status: "FAIL", found: terraform.problem, todo: terraform.todo },
  );
  if (imagesToBuild > 0) {
    const docker = await findDocker(runner);
    checks.push(
      docker.ok
        ? {
            name: "docker",
            status: "PASS",
            found: `docker ${docker.version} (builds ${imagesToBuild} image(s))`,
          }
        : { name: "docker", status: "FAIL", found: docker.problem, todo: docker.todo },
    );
  }
  return checks;
}

/** The report: one line per check, a `do:` line under each that did not pass, then the count. */
export function formatPreflight(report: PreflightReport): string {
  const lines = [`preflight ${report.stack} (${report.region})`];
  for (const check of report.checks) {
    lines.push(`${check.status}  ${check.name}: ${check.found}`);
    if (check.status !== "PASS" && check.todo !== undefined) lines.push(`      do: ${check.todo}`);
  }
  const count = (s: Status) => report.checks.filter((c) => c.status === s).length;
  lines.push(
    `preflight: ${count("FAIL")} failed, ${count("WARN")} warning${count("WARN") === 1 ? "" : "s"}, ${count("PASS")} passed`,
  );
  return lines.join("\n");
}
