import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Check, type DeployManifest, ProcessRunner, runPreflight, sdkAccount } from "../src/index.js";
import { fakeBin, makeRoot, manifest } from "./fixtures.js";
import { seeder } from "./moto-seed.js";

const cli = join(import.meta.dirname, "../dist/cli.js");

let moto: MotoServer;
let runner: ProcessRunner;

beforeAll(async () => {
  moto = await startMoto();
  runner = new ProcessRunner({ env: { PATH: fakeBin() } });
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

/** Preflight of `m` with the real SDK clients on moto. */
async function preflightOnMoto(m: DeployManifest) {
  const { region: _, ...settings } = moto.clientConfig;
  const report = await runPreflight(
    { kind: "environment", manifest: m },
    { account: sdkAccount(settings), runner },
  );
  const byName = (name: string): Check | undefined => report.checks.find((c) => c.name === name);
  return { report, byName };
}

/** Everything a deployed `dev` has in the account. Returns the backend image's digest. */
async function seedDeployed(m: DeployManifest): Promise<string> {
  const seed = seeder(moto);
  for (const service of m.serviceLinkedRoles) await seed.role(service);
  if (m.bootstrap?.stateBucket) await seed.bucket(m.bootstrap.stateBucket);
  for (const repository of m.bootstrap?.repositories ?? []) await seed.repository(repository);
  let digest = "";
  for (const image of m.images) {
    const pushed = await seed.image(image.repository, image.tag ?? "pinned");
    if (image.repository === "trackgraph/backend") digest = pushed;
  }
  return digest;
}

describe("preflight against moto", () => {
  it("passes every check moto can answer on a deployed account", async () => {
    const m = manifest();
    await seedDeployed(m);
    const { report } = await preflightOnMoto(m);
    expect(report.checks.map((c) => `${c.status} ${c.name}: ${c.found}`)).toEqual([
      "PASS credentials: arn:aws:sts::123456789012:user/moto (account 123456789012)",
      "PASS identity center: IAM Identity Center is enabled (1 instance) for Grafana's AWS_SSO sign-in",
      "PASS region services: us-east-1 offers Amazon Managed Service for Prometheus, Amazon Managed Grafana",
      "PASS service-linked role AWSServiceRoleForECS: exists",
      "PASS service-linked role AWSServiceRoleForElasticLoadBalancing: exists",
      "PASS service-linked role AWSServiceRoleForApplicationAutoScaling_ECSService: exists",
      "PASS bootstrap: stack bootstrap is applied",
      "PASS image trackgraph/backend:src-0123456789abcdef0123: in ECR (us-east-1)",
      "PASS image trackgraph/collector-proxy:src-fedcba9876543210fedc: in ECR (us-east-1)",
      "PASS terraform: terraform 1.11.4",
    ]);
    expect(report.ok).toBe(true);
  });

  it("warns on a fresh account about what deploy makes: roles, the bootstrap, the images", async () => {
    const { report, byName } = await preflightOnMoto(manifest());
    expect(report.ok).toBe(true);
    for (const role of ["AWSServiceRoleForECS", "AWSServiceRoleForElasticLoadBalancing"])
      expect(byName(`service-linked role ${role}`)).toMatchObject({ status: "WARN", found: "missing" });
    expect(byName("bootstrap")).toMatchObject({
      status: "WARN",
      found:
        "missing: state bucket trackgraph-bootstrap-tfstate-123456789012, ECR repository trackgraph/backend in us-east-1, ECR repository trackgraph/collector-proxy in us-east-1",
    });
    expect(byName("image trackgraph/backend:src-0123456789abcdef0123")).toMatchObject({
      status: "WARN",
      found: "not in ECR (us-east-1)",
    });
    expect(byName("docker")?.status).toBe("PASS");
  });

  it("fails credentials of another account than the config pins", async () => {
    const { byName, report } = await preflightOnMoto(manifest({ accountId: "111111111111" }));
    expect(byName("credentials")).toMatchObject({
      status: "FAIL",
      found:
        "arn:aws:sts::123456789012:user/moto is in account 123456789012, but the stack config pins 111111111111",
    });
    expect(report.checks.map((c) => c.name)).toEqual(["credentials", "terraform"]);
  });

  it("fails a region AWS lists without Managed Grafana, and one without App Runner for that platform", async () => {
    // AWS's public parameters (moto serves its copy): ca-central-1 has aps but not grafana.
    const canada = await preflightOnMoto(manifest({ region: "ca-central-1", images: [], bootstrap: null }));
    expect(canada.byName("region services")).toMatchObject({
      status: "FAIL",
      found: "ca-central-1 does not offer Amazon Managed Grafana",
    });
    // ap-northeast-2 has aps and grafana but not apprunner.
    const seoul = await preflightOnMoto(
      manifest({ region: "ap-northeast-2", images: [], bootstrap: null, platform: "ecs-express" }),
    );
    expect(seoul.byName("region services")?.status).toBe("PASS");
    const { byName } = await preflightOnMoto(
      manifest({ region: "ap-northeast-2", images: [], bootstrap: null, platform: "app-runner" }),
    );
    expect(byName("region services")).toMatchObject({
      status: "FAIL",
      found: "ap-northeast-2 does not offer AWS App Runner",
    });
  });

  it("checks a digest-pinned image by its digest: FAIL when ECR has another", async () => {
    const m = manifest();
    const digest = await seedDeployed(m);
    const pinned = (d: string) =>
      ({ ...m, images: [{ ...m.images[0], tag: null, digest: d }] }) as DeployManifest;
    const present = await preflightOnMoto(pinned(digest));
    expect(present.byName(`image trackgraph/backend@${digest}`)).toMatchObject({ status: "PASS" });
    const other = `sha256:${"d".repeat(64)}`;
    const missing = await preflightOnMoto(pinned(other));
    expect(missing.byName(`image trackgraph/backend@${other}`)).toMatchObject({
      status: "FAIL",
      found: "not in ECR (us-east-1)",
    });
    expect(missing.report.ok).toBe(false);
  });

  it("finds a user-provided secret without a value, and one with a value", async () => {
    const m = manifest();
    const secrets = [{ ...m.secrets[1], generate: false }] as DeployManifest["secrets"];
    await seedDeployed(m);
    const seed = seeder(moto);
    await seed.secret("trackgraph-dev-secrets/collector-token");
    const empty = await preflightOnMoto({ ...m, secrets });
    expect(empty.byName("secret trackgraph-dev-secrets/collector-token")).toMatchObject({
      status: "WARN",
      found: "has no value",
    });
    await seed.secret("trackgraph-dev-secrets/other", "value");
    const set = await preflightOnMoto({
      ...m,
      secrets: [
        {
          ...(m.secrets[1] as DeployManifest["secrets"][number]),
          name: "trackgraph-dev-secrets/other",
          generate: false,
        },
      ],
    });
    expect(set.byName("secret trackgraph-dev-secrets/other")).toMatchObject({ status: "PASS" });
  });

  it("moto 5.2.5 answers neither Lambda GetAccountSettings, App Runner nor Grafana: those are recorded", async () => {
    const { region: _, ...settings } = moto.clientConfig;
    const account = sdkAccount({ ...settings, maxAttempts: 1 });
    await expect(account.lambdaConcurrency("us-east-1")).rejects.toThrow();
    await expect(account.appRunnerAvailability("us-east-1")).rejects.toThrow();
    await expect(
      account.createGrafanaToken({
        region: "us-east-1",
        workspaceId: "g-0123456789",
        serviceAccountId: "7",
        name: "probe",
        seconds: 60,
      }),
    ).rejects.toThrow();
    // And its sso-admin always has one instance, so "no instance" is recorded too.
    expect(await account.identityCenterInstances("us-east-1")).toBe(1);
  });

  it("pnpm run preflight: the CLI reaches moto through AWS_ENDPOINT_URL and exits 1 on a FAIL", async () => {
    const env = {
      PATH: fakeBin(),
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const ok = makeRoot(manifest());
    const pass = await promisify(execFile)(
      process.execPath,
      [cli, "preflight", "--stack", "dev", "--root", ok, "--no-synth"],
      {
        env,
      },
    );
    expect(pass.stdout).toMatch(/^PASS {2}credentials: arn:aws:sts::123456789012:user\/moto/m);
    expect(pass.stdout).toMatch(/^WARN {2}bootstrap: missing: state bucket/m);
    expect(pass.stdout).toMatch(/^preflight: 0 failed, \d+ warnings, \d+ passed$/m);

    const wrong = makeRoot(manifest({ accountId: "111111111111" }));
    const fail = await promisify(execFile)(
      process.execPath,
      [cli, "preflight", "--stack", "dev", "--root", wrong, "--no-synth"],
      { env },
    ).catch((e: { code: number; stdout: string }) => e);
    expect("code" in fail && fail.code).toBe(1);
    expect(fail.stdout).toMatch(/^FAIL {2}credentials: .* but the stack config pins 111111111111$/m);
    expect(fail.stdout).toMatch(/^ {6}do: use credentials for account 111111111111/m);
  });
});
