import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { type Account, imageName } from "./account.js";
import { type DeployManifest, loadManifest, ManifestError, type ManifestImage } from "./manifest.js";
import {
  bootstrapGaps,
  formatPreflight,
  type PreflightReport,
  type PreflightSubject,
  putSecretCommand,
  runPreflight,
} from "./preflight.js";
import { commandLine, ProcessRunner } from "./process.js";
import { serviceLinkedRoleName } from "./service-linked-roles.js";
import { DASHBOARDS_SUFFIX, Layout, providerOf, resolveStack, type StackTarget } from "./stacks.js";
import { terraformProgram } from "./tools.js";

export interface DeployOptions {
  /** `--stack NAME`: an environment, `<environment>-dashboards`, or a bootstrap stack. */
  stack: string;
  /** The repository root (cdktf.out and apps/infra/config are read from it; commands run in it). */
  root: string;
  /** Print every step with its commands; change nothing. Synth still runs unless `synth` is false. */
  dryRun?: boolean;
  /** Passed to every `terraform apply`. */
  autoApprove?: boolean;
  /** false: use cdktf.out as it is (`--no-synth`). */
  synth?: boolean;
  /** The AWS account; made on first use, so a dry run or an unknown stack never loads the SDK. */
  account?: Account | (() => Promise<Account>);
  runner?: ProcessRunner;
  print?: (line: string) => void;
  /** Checked between steps: true after Ctrl-C. */
  interrupted?: () => boolean;
  /**
   * The run is on a throwaway machine (a CI runner: GITHUB_ACTIONS=true): a stack with local state would
   * lose it when the run ends, and the next run would create everything again, so it is refused.
   * @default process.env.GITHUB_ACTIONS === "true"
   */
  ephemeral?: boolean;
}

/** The deploy stopped on purpose, with a message (one line per cause) telling the person what to do. */
export class DeployStop extends Error {
  override readonly name = "DeployStop";
}

/** Preflight found a FAIL; the report has been printed. */
export class PreflightFailed extends Error {
  override readonly name = "PreflightFailed";
  constructor(readonly report: PreflightReport) {
    super("preflight failed: fix the FAIL lines above, then run again");
  }
}

/** Ctrl-C between steps. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}

/** 32 random bytes, base64url: a generated secret value. Only ever handed to PutSecretValue. */
export function generateSecretValue(): string {
  return randomBytes(32).toString("base64url");
}

/** The commands that synthesize one stack: build what synth reads (cached by Turbo), then synth itself. */
export function synthCommands(
  stack: string,
): { program: string; args: string[]; env?: Record<string, string> }[] {
  return [
    {
      program: "pnpm",
      args: [
        "turbo",
        "run",
        "build",
        "container",
        "--filter=@trackgraph/infra...",
        "--output-logs=errors-only",
      ],
    },
    {
      program: "pnpm",
      args: ["--silent", "--filter", "@trackgraph/infra", "run", "synth"],
      env: { TRACKGRAPH_STACK: stack },
    },
  ];
}

class Session {
  readonly layout: Layout;
  readonly runner: ProcessRunner;
  readonly tf: "terraform" | "tofu";
  private stepNumber = 0;
  private accountPromise: Promise<Account> | undefined;

  constructor(readonly options: DeployOptions) {
    this.layout = new Layout(options.root);
    this.runner = options.runner ?? new ProcessRunner({ cwd: options.root });
    this.tf = terraformProgram(this.runner);
  }

  get dryRun(): boolean {
    return this.options.dryRun === true;
  }

  print(line: string): void {
    (this.options.print ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  }

  account(): Promise<Account> {
    const given = this.options.account;
    this.accountPromise ??=
      given === undefined
        ? import("./sdk-account.js").then((m) => m.sdkAccount())
        : typeof given === "function"
          ? given()
          : Promise.resolve(given);
    return this.accountPromise;
  }

  /** Prints the numbered step line, then runs it (in a dry run, `plan` lines instead). */
  async step(title: string, plan: string[], body: () => Promise<void>): Promise<void> {
    if (this.options.interrupted?.()) throw new Interrupted();
    this.stepNumber += 1;
    this.print(`${this.stepNumber}. ${title}`);
    if (this.dryRun) {
      for (const line of plan) this.print(`   ${line}`);
      return;
    }
    await body();
  }

  note(line: string): void {
    this.print(`   ${line}`);
  }

  /**
   * Prints `$ command` and runs it through the process runner. `secretEnv` reaches the program's
   * environment only: it is printed as `NAME=...`, never its value.
   */
  async exec(
    program: string,
    args: string[],
    options: { env?: Record<string, string>; secretEnv?: Record<string, string>; input?: string } = {},
  ) {
    const hidden = Object.keys(options.secretEnv ?? {}).map((name) => `${name}=... `);
    this.note(`$ ${hidden.join("")}${commandLine(program, args, options.env)}`);
    await this.runner.run(program, args, {
      env: { CHECKPOINT_DISABLE: "1", TURBO_TELEMETRY_DISABLED: "1", ...options.env, ...options.secretEnv },
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** `terraform output -raw NAME` of a stack, printed as it runs; stops the deploy when there is none. */
  async output(stack: string, name: string): Promise<string> {
    const args = this.tfArgs(stack, "output", "-raw", name);
    this.note(`$ ${commandLine(this.tf, args)}`);
    const out = await this.runner.capture(this.tf, args, { env: { CHECKPOINT_DISABLE: "1" } });
    if (out.code !== 0 || out.stdout.trim() === "") {
      // Terraform frames its errors in box-drawing characters: the first line with words says it.
      const said = out.stderr
        .split("\n")
        .map((l) => l.replace(/^[\s│╷╵]+/, "").trim())
        .find((l) => l !== "");
      throw new DeployStop(
        `the ${stack} stack has no output ${name} (${said ?? `exit ${out.code}`}): apply it first (pnpm run deploy --stack ${stack})`,
      );
    }
    return out.stdout.trim();
  }

  tfArgs(stack: string, ...args: string[]): string[] {
    return [`-chdir=${this.layout.stackDir(stack)}`, ...args];
  }

  initArgs(stack: string): string[] {
    return this.tfArgs(stack, "init", "-input=false");
  }

  applyArgs(stack: string, targets: string[] = []): string[] {
    return this.tfArgs(
      stack,
      "apply",
      "-input=false",
      ...targets.map((t) => `-target=${t}`),
      ...(this.options.autoApprove ? ["-auto-approve"] : []),
    );
  }

  show(program: string, args: string[], env?: Record<string, string>): string {
    return `$ ${commandLine(program, args, env)}`;
  }

  /** Runs synthCommands; `build: false` skips the build (done by an earlier synth of this run). */
  async synthesize(stack: string, { build = true } = {}): Promise<void> {
    for (const c of synthCommands(stack).slice(build ? 0 : 1))
      await this.exec(c.program, c.args, c.env ? { env: c.env } : {});
  }

  async synthStep(stack: string): Promise<void> {
    if (this.options.interrupted?.()) throw new Interrupted();
    this.stepNumber += 1;
    if (this.options.synth === false) {
      this.print(`${this.stepNumber}. Synthesize ${stack}: skipped (--no-synth: cdktf.out as it is)`);
      return;
    }
    // Synth writes only cdktf.out, so a dry run runs it too: the plan below comes from what it writes.
    this.print(
      `${this.stepNumber}. Synthesize ${stack}${this.dryRun ? " (a dry run synthesizes too: it writes only cdktf.out)" : ""}`,
    );
    await this.synthesize(stack);
  }

  async applyStep(stack: string): Promise<void> {
    await this.step(
      `Apply ${stack}`,
      [this.show(this.tf, this.initArgs(stack)), this.show(this.tf, this.applyArgs(stack))],
      async () => {
        await this.exec(this.tf, this.initArgs(stack));
        await this.exec(this.tf, this.applyArgs(stack));
      },
    );
  }

  async preflightStep(subject: () => PreflightSubject, plan: string[]): Promise<void> {
    await this.step("Preflight (read-only checks of the account and the tools)", plan, async () => {
      const report = await runPreflight(subject(), { account: await this.account(), runner: this.runner });
      for (const line of formatPreflight(report).split("\n")) this.note(line);
      if (!report.ok) throw new PreflightFailed(report);
    });
  }
}

/**
 * The dashboards stack's apply: its Grafana provider reads GRAFANA_AUTH, so a token of the environment's
 * admin service account is minted for this apply only and deleted after it, applied or not. No token is
 * written to any configuration, state or plan, printed or passed on a command line. A deploy.json without
 * the Grafana outputs (an older synth) applies the stack as it is.
 */
async function dashboardsApplyStep(
  s: Session,
  m: DeployManifest,
  stack: string,
  options: { initEnvironment: boolean },
): Promise<void> {
  const { workspaceIdOutput, serviceAccountIdOutput, tokenSeconds } = m.grafana;
  if (workspaceIdOutput === undefined || serviceAccountIdOutput === undefined) return s.applyStep(stack);
  const seconds = tokenSeconds ?? 3600;
  const plan = [
    ...(options.initEnvironment ? [s.show(s.tf, s.initArgs(m.stack))] : []),
    s.show(s.tf, s.tfArgs(m.stack, "output", "-raw", workspaceIdOutput)),
    s.show(s.tf, s.tfArgs(m.stack, "output", "-raw", serviceAccountIdOutput)),
    `grafana CreateWorkspaceServiceAccountToken (${seconds} s) for that workspace and service account`,
    s.show(s.tf, s.initArgs(stack)),
    `$ GRAFANA_AUTH=... ${commandLine(s.tf, s.applyArgs(stack))} (the token in its environment only)`,
    "grafana DeleteWorkspaceServiceAccountToken (also when the apply fails)",
  ];
  await s.step(`Apply ${stack} (with a Grafana token for this apply only)`, plan, async () => {
    if (options.initEnvironment) await s.exec(s.tf, s.initArgs(m.stack));
    const workspaceId = await s.output(m.stack, workspaceIdOutput);
    const serviceAccountId = await s.output(m.stack, serviceAccountIdOutput);
    const account = await s.account();
    const name = `${m.stack}-deploy-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}`;
    const token = await account.createGrafanaToken({
      region: m.region,
      workspaceId,
      serviceAccountId,
      name,
      seconds,
    });
    s.note(`minted Grafana token ${name} (lives ${seconds} s)`);
    try {
      await s.exec(s.tf, s.initArgs(stack));
      await s.exec(s.tf, s.applyArgs(stack), { secretEnv: { GRAFANA_AUTH: token.key } });
    } finally {
      try {
        await account.deleteGrafanaToken({
          region: m.region,
          workspaceId,
          serviceAccountId,
          tokenId: token.tokenId,
        });
        s.note(`deleted Grafana token ${name}`);
      } catch (error) {
        s.note(
          `could not delete Grafana token ${name} (${error instanceof Error ? error.message : String(error)}); it expires by itself ${seconds} s after it was made`,
        );
      }
    }
  });
}

/** The read-only calls preflight makes for an environment stack, as the dry run lists them. */
function preflightPlan(m: DeployManifest, tf: string): string[] {
  const calls = [
    "sts GetCallerIdentity (credentials; the account equals accountId when the config pins one)",
    ...(m.lambda.reservedConcurrency === null
      ? []
      : [
          `lambda GetAccountSettings (the limit minus ${m.lambda.reservedConcurrency} leaves >= 100 unreserved)`,
        ]),
    ...(m.platform === "app-runner" ? ["apprunner ListServices (App Runner usable by this account)"] : []),
    ...(m.grafana.authentication === "AWS_SSO"
      ? ["sso-admin ListInstances (IAM Identity Center enabled)"]
      : []),
    `ssm GetParameters /aws/service/global-infrastructure/regions/${m.region}/services/{aps,grafana${m.platform === "app-runner" ? ",apprunner" : ""}}`,
    ...m.serviceLinkedRoles.map((s) => `iam GetRole ${serviceLinkedRoleName(s)}`),
    ...(m.bootstrap === null
      ? []
      : [
          `${m.bootstrap.stateBucket === null ? "" : `s3 HeadBucket ${m.bootstrap.stateBucket}; `}ecr DescribeRepositories ${m.bootstrap.repositories.join(", ")}`,
        ]),
    ...m.images.map((i) => `ecr DescribeImages ${imageName(i)} (${i.region})`),
    ...m.secrets.filter((s) => !s.generate).map((s) => `secretsmanager DescribeSecret ${s.name}`),
    `$ ${tf} version -json (>= 1.10.0)`,
    ...(m.images.some((i) => i.tag !== null)
      ? ["$ docker version --format '{{.Client.Version}}' (when an image must be built)"]
      : []),
  ];
  return calls;
}

function registryOf(m: DeployManifest, region: string): string {
  return `${m.accountId ?? "ACCOUNT"}.dkr.ecr.${region}.amazonaws.com`;
}

/** The images that ECR lacks and deploy may build; stops on one it must not build or cannot push. */
async function imagesToPush(s: Session, account: Account, images: ManifestImage[]): Promise<ManifestImage[]> {
  const toPush: ManifestImage[] = [];
  for (const image of images) {
    const state = await account.image(image);
    if (state === "present") {
      s.note(`${imageName(image)}: ${image.tag === null ? "in ECR" : "already pushed"}`);
      continue;
    }
    if (image.tag === null)
      throw new DeployStop(
        `${imageName(image)} is not in ECR (${image.region}): push it there, or change the pinned digest (deploy never builds a digest-pinned image)`,
      );
    if (state === "no-repository")
      throw new DeployStop(
        `ECR repository ${image.repository} does not exist in ${image.region}: add it to the bootstrap stack's bootstrap.ecrRepositories`,
      );
    toPush.push(image);
  }
  // Every context is checked before the first login, so a missing one stops the step before any push.
  for (const image of toPush)
    if (!existsSync(s.layout.abs(image.context)))
      throw new DeployStop(
        `the build context ${image.context} of ${imageName(image)} is missing: synth builds it (run without --no-synth, or \`pnpm turbo run container\`)`,
      );
  return toPush;
}

/** Logs in once per region, then builds and pushes each image. */
async function pushImages(s: Session, account: Account, toPush: ManifestImage[]): Promise<void> {
  const registries = new Map<string, string>();
  for (const region of new Set(toPush.map((i) => i.region))) {
    const login = await account.ecrLogin(region);
    await s.exec("docker", ["login", "--username", login.username, "--password-stdin", login.registry], {
      input: login.password,
    });
    registries.set(region, login.registry);
  }
  for (const image of toPush) {
    const ref = `${registries.get(image.region)}/${image.repository}:${image.tag}`;
    await s.exec("docker", ["build", "--platform", "linux/amd64", "-t", ref, image.context]);
    await s.exec("docker", ["push", ref]);
  }
}

async function deployEnvironment(s: Session, target: { stack: string }): Promise<void> {
  await s.synthStep(target.stack);
  const manifest = loadManifest(s.layout.abs(s.layout.manifestFile(target.stack)));
  const m = manifest;
  const region = m.region;
  if (m.state === null && !s.dryRun && (s.options.ephemeral ?? process.env.GITHUB_ACTIONS === "true")) {
    throw new DeployStop(
      `${target.stack} keeps local state, which this run's machine throws away: give it state.bucket and state.kmsKeyArn (the bootstrap stack's) before deploying it from CI`,
    );
  }

  await s.preflightStep(() => ({ kind: "environment", manifest: m }), preflightPlan(m, s.tf));

  await s.step(
    "Service-linked roles",
    m.serviceLinkedRoles.length === 0
      ? ["none needed"]
      : m.serviceLinkedRoles.map(
          (service) =>
            `if ${serviceLinkedRoleName(service)} is missing: iam CreateServiceLinkedRole --aws-service-name ${service}`,
        ),
    async () => {
      if (m.serviceLinkedRoles.length === 0) return s.note("none needed");
      const account = await s.account();
      for (const service of m.serviceLinkedRoles) {
        const role = serviceLinkedRoleName(service);
        if (await account.roleExists(role)) {
          s.note(`${role} exists`);
          continue;
        }
        const outcome = await account.createServiceLinkedRole(service);
        s.note(outcome === "created" ? `created ${role} (${service})` : `${role} exists`);
      }
    },
  );

  const bootstrap = m.bootstrap;
  await s.step(
    bootstrap === null ? "Bootstrap" : `Bootstrap (${bootstrap.stack})`,
    bootstrap === null
      ? ["none: the stack config names no bootstrap stack"]
      : [
          `if ${[bootstrap.stateBucket === null ? undefined : `state bucket ${bootstrap.stateBucket}`, `any of ${bootstrap.repositories.join(", ")}`].filter(Boolean).join(" or ")} is missing:`,
          ...(s.options.synth === false
            ? []
            : synthCommands(bootstrap.stack)
                .slice(1)
                .map((c) => `  ${s.show(c.program, c.args, c.env)}`)),
          `  ${s.show(s.tf, s.initArgs(bootstrap.stack))}`,
          `  ${s.show(s.tf, s.applyArgs(bootstrap.stack))}`,
        ],
    async () => {
      if (bootstrap === null) return s.note("none: the stack config names no bootstrap stack");
      const gaps = await bootstrapGaps(m, await s.account());
      if (gaps.length === 0) return s.note(`not needed: the state bucket and repositories exist`);
      s.note(`needed: missing ${gaps.join(", ")}`);
      if (s.options.synth !== false) await s.synthesize(bootstrap.stack, { build: false });
      await s.exec(s.tf, s.initArgs(bootstrap.stack));
      await s.exec(s.tf, s.applyArgs(bootstrap.stack));
    },
  );

  await s.step(
    "Images",
    m.images.length === 0
      ? ["none"]
      : [
          ...[...new Set(m.images.filter((i) => i.tag !== null).map((i) => i.region))].map(
            (r) =>
              `if an image is missing: ecr GetAuthorizationToken (${r}), then $ docker login --username AWS --password-stdin ${registryOf(m, r)} (the token on stdin)`,
          ),
          ...m.images.flatMap((i) => {
            if (i.tag === null)
              return [`${imageName(i)}: must already be in ECR (digest-pinned, never built)`];
            const ref = `${registryOf(m, i.region)}/${i.repository}:${i.tag}`;
            return [
              `if ecr DescribeImages finds no ${imageName(i)}:`,
              `  ${s.show("docker", ["build", "--platform", "linux/amd64", "-t", ref, i.context])}`,
              `  ${s.show("docker", ["push", ref])}`,
            ];
          }),
        ],
    async () => {
      if (m.images.length === 0) return s.note("none");
      const account = await s.account();
      await pushImages(s, account, await imagesToPush(s, account, m.images));
    },
  );

  const addresses = m.secrets.map((x) => x.address);
  await s.step(
    `Secrets of ${m.stack} (Terraform, targeted: before any service reads them)`,
    addresses.length === 0
      ? ["none"]
      : [s.show(s.tf, s.initArgs(m.stack)), s.show(s.tf, s.applyArgs(m.stack, addresses))],
    async () => {
      if (addresses.length === 0) return s.note("none");
      await s.exec(s.tf, s.initArgs(m.stack));
      await s.exec(s.tf, s.applyArgs(m.stack, addresses));
    },
  );

  await s.step(
    "Secret values",
    m.secrets.length === 0
      ? ["none"]
      : m.secrets.map((x) =>
          x.generate
            ? `${x.name}: if it has no AWSCURRENT value, secretsmanager PutSecretValue with 32 random bytes (base64url; never on disk, argv or logs)`
            : `${x.name}: if it has no value, stop and ask for: ${putSecretCommand(x.name, region)}`,
        ),
    async () => {
      if (m.secrets.length === 0) return s.note("none");
      const account = await s.account();
      const userMustSet: string[] = [];
      for (const secret of m.secrets) {
        const state = await account.secretValue(secret.name, region);
        if (state === "set") {
          s.note(`${secret.name}: has a value, left alone`);
          continue;
        }
        if (state === "missing")
          throw new DeployStop(
            `secret ${secret.name} does not exist after the targeted apply of ${secret.address}: check that address in ${s.layout.manifestFile(m.stack)}`,
          );
        if (secret.generate) {
          await account.putSecretValue(secret.name, region, generateSecretValue());
          s.note(`${secret.name}: put a generated value (32 random bytes)`);
        } else {
          userMustSet.push(
            `secret ${secret.name} (${secret.env}) has no value: run \`${putSecretCommand(secret.name, region)}\`, then deploy again`,
          );
        }
      }
      if (userMustSet.length > 0) throw new DeployStop(userMustSet.join("\n"));
    },
  );

  for (const stack of m.stacks) {
    if (stack === `${m.stack}${DASHBOARDS_SUFFIX}`)
      await dashboardsApplyStep(s, m, stack, { initEnvironment: false });
    else await s.applyStep(stack);
    if (stack === m.stack) await appRunnerRetentionStep(s, m);
  }
}

/**
 * App Runner makes each service's log groups itself (`/aws/apprunner/<service>/<service id>/service` and
 * `.../application`), named with the id it gives the service at creation, so Terraform can neither make
 * them first nor set their retention: without this step they never expire. Runs after the environment
 * apply, which waits until the services run; a group App Runner has not made yet is named, and the next
 * deploy sets it.
 */
async function appRunnerRetentionStep(s: Session, m: DeployManifest): Promise<void> {
  const logs = m.appRunnerLogs;
  const services = logs?.services ?? [];
  const title = "Log retention of the groups App Runner makes (Terraform cannot set it)";
  if (logs === undefined || services.length === 0)
    return s.step(title, ["none: no App Runner service"], async () => s.note("none: no App Runner service"));
  const days = logs.retentionDays;
  await s.step(
    title,
    services.map(
      (service) =>
        `logs DescribeLogGroups /aws/apprunner/${service}/, then PutRetentionPolicy ${days} days on each group with another`,
    ),
    async () => {
      const account = await s.account();
      for (const service of services) {
        const prefix = `/aws/apprunner/${service}/`;
        const groups = await account.logGroups(prefix, m.region);
        for (const group of groups) {
          if (group.retentionDays === days) {
            s.note(`${group.name}: ${days} days, left alone`);
            continue;
          }
          await account.putRetentionPolicy(group.name, days, m.region);
          const was = group.retentionDays === undefined ? "never expired" : `was ${group.retentionDays} days`;
          s.note(`${group.name}: ${days} days (${was})`);
        }
        if (!groups.some((g) => g.name.endsWith("/application")))
          s.note(
            `${prefix}*/application: not made yet (App Runner makes it when the service first logs): deploy again to set it`,
          );
      }
    },
  );
}

async function deployDashboards(s: Session, target: { stack: string; environment: string }): Promise<void> {
  await s.synthStep(target.stack);
  const file = s.layout.manifestFile(target.environment);
  if (!existsSync(s.layout.abs(file)))
    throw new ManifestError(
      `${file}: missing: ${target.stack} reads the ${target.environment} stack; synthesize it (run without --no-synth) and deploy ${target.environment} first`,
    );
  const m = loadManifest(s.layout.abs(file));
  if (!m.stacks.includes(target.stack))
    throw new ManifestError(`${file}: stacks: ${target.stack} is not among ${m.stacks.join(", ")}`);
  await s.preflightStep(
    () => ({ kind: "plain", stack: target.stack, region: m.region, accountId: m.accountId }),
    ["sts GetCallerIdentity (credentials; the pinned account)", `$ ${s.tf} version -json (>= 1.10.0)`],
  );
  await dashboardsApplyStep(s, m, target.stack, { initEnvironment: true });
}

async function deployPlain(s: Session, target: { stack: string }): Promise<void> {
  await s.synthStep(target.stack);
  await s.preflightStep(() => {
    const provider = providerOf(s.layout, target.stack);
    return {
      kind: "plain",
      stack: target.stack,
      region: provider.region ?? "us-east-1",
      accountId: provider.accountId ?? null,
    };
  }, ["sts GetCallerIdentity (credentials; the pinned account)", `$ ${s.tf} version -json (>= 1.10.0)`]);
  await s.applyStep(target.stack);
}

/**
 * `deploy --stack NAME`: from nothing to a running stack, in order, idempotently. Throws UnknownStack
 * (before anything runs), ManifestError, PreflightFailed, DeployStop, CommandFailed or an AWS error.
 */
export async function deploy(options: DeployOptions): Promise<void> {
  const layout = new Layout(options.root);
  const target: StackTarget = resolveStack(layout, options.stack);
  const s = new Session(options);
  if (s.dryRun) s.print(`deploy ${target.stack}: dry run (nothing below changes the account)`);
  if (target.kind === "environment") await deployEnvironment(s, target);
  else if (target.kind === "dashboards") await deployDashboards(s, target);
  else await deployPlain(s, target);
  s.print(s.dryRun ? `deploy ${target.stack}: dry run done` : `deploy ${target.stack}: done`);
}

/** `preflight --stack NAME`: synth (unless told not to), then the checks. Resolves to the report. */
export async function preflight(
  options: Omit<DeployOptions, "dryRun" | "autoApprove">,
): Promise<PreflightReport> {
  const layout = new Layout(options.root);
  const target = resolveStack(layout, options.stack);
  const s = new Session(options);
  if (options.synth !== false) await s.synthesize(target.stack);
  const account = await s.account();
  let subject: PreflightSubject;
  if (target.kind === "environment")
    subject = { kind: "environment", manifest: loadManifest(layout.abs(layout.manifestFile(target.stack))) };
  else if (target.kind === "dashboards") {
    const m = loadManifest(layout.abs(layout.manifestFile(target.environment)));
    subject = { kind: "plain", stack: target.stack, region: m.region, accountId: m.accountId };
  } else {
    const provider = providerOf(layout, target.stack);
    subject = {
      kind: "plain",
      stack: target.stack,
      region: provider.region ?? "us-east-1",
      accountId: provider.accountId ?? null,
    };
  }
  return runPreflight(subject, { account, runner: s.runner });
}
