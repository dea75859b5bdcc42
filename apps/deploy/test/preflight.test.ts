import { describe, expect, it } from "vitest";
import { type Check, type DeployManifest, formatPreflight, runPreflight } from "../src/index.js";
import { manifest } from "./fixtures.js";
import { harness } from "./harness.js";

async function checksOf(
  m: DeployManifest,
  setup: (h: ReturnType<typeof harness>) => void = () => {},
  options: Parameters<typeof harness>[1] = {},
): Promise<{ checks: Check[]; byName: (name: string) => Check | undefined; ok: boolean; text: string }> {
  const h = harness(m, options);
  setup(h);
  const report = await runPreflight(
    { kind: "environment", manifest: m },
    { account: h.account, runner: h.runner },
  );
  return {
    checks: report.checks,
    byName: (name) => report.checks.find((c) => c.name === name),
    ok: report.ok,
    text: formatPreflight(report),
  };
}

describe("preflight", () => {
  it("passes on a deployed account and needs no docker when every image is in ECR", async () => {
    const r = await checksOf(manifest(), (h) => h.account.deployed());
    expect(r.checks.map((c) => `${c.status} ${c.name}`)).toEqual([
      "PASS credentials",
      "PASS identity center",
      "PASS region services",
      "PASS service-linked role AWSServiceRoleForECS",
      "PASS service-linked role AWSServiceRoleForElasticLoadBalancing",
      "PASS service-linked role AWSServiceRoleForApplicationAutoScaling_ECSService",
      "PASS bootstrap",
      "PASS image trackgraph/backend:src-0123456789abcdef0123",
      "PASS image trackgraph/collector-proxy:src-fedcba9876543210fedc",
      "PASS terraform",
    ]);
    expect(r.ok).toBe(true);
    expect(r.text.split("\n").at(-1)).toBe("preflight: 0 failed, 0 warnings, 10 passed");
  });

  it("warns about what deploy will make: roles, the bootstrap, the images (and then needs docker)", async () => {
    const r = await checksOf(manifest());
    expect(r.ok).toBe(true);
    expect(r.byName("service-linked role AWSServiceRoleForECS")).toEqual({
      name: "service-linked role AWSServiceRoleForECS",
      status: "WARN",
      found: "missing",
      todo: "nothing: deploy creates it (iam CreateServiceLinkedRole for ecs.amazonaws.com) before the bootstrap",
    });
    expect(r.byName("bootstrap")?.status).toBe("WARN");
    expect(r.byName("image trackgraph/backend:src-0123456789abcdef0123")?.todo).toBe(
      "nothing: deploy builds and pushes it from apps/backend-otel/dist-container",
    );
    expect(r.byName("docker")).toMatchObject({ status: "PASS", found: "docker 28.2.2 (builds 2 image(s))" });
  });

  it("fails on credentials of another account, and then asks nothing else of AWS", async () => {
    const r = await checksOf(manifest(), (h) => {
      h.account.accountId = "999999999999";
    });
    expect(r.checks.map((c) => c.name)).toEqual(["credentials", "terraform"]);
    expect(r.byName("credentials")).toMatchObject({
      status: "FAIL",
      found:
        "arn:aws:iam::999999999999:user/deployer is in account 999999999999, but the stack config pins 123456789012",
    });
    expect(r.byName("credentials")?.todo).toMatch(/^use credentials for account 123456789012/);
  });

  it("fails when credentials do not resolve, saying how to sign in", async () => {
    const r = await checksOf(manifest(), (h) => {
      h.account.callerIdentity = () =>
        Promise.reject(new Error("Could not load credentials from any providers"));
    });
    expect(r.byName("credentials")).toMatchObject({
      status: "FAIL",
      found: "no usable AWS credentials: Could not load credentials from any providers",
    });
    expect(r.byName("credentials")?.todo).toContain("aws sso login");
  });

  it("fails a Lambda reservation that would leave fewer than 100 unreserved executions", async () => {
    const m = manifest({ lambda: { reservedConcurrency: 5 } });
    const low = await checksOf(m, (h) => {
      h.account.lambdaLimit = 10;
    });
    expect(low.byName("lambda concurrency")).toEqual({
      name: "lambda concurrency",
      status: "FAIL",
      found:
        "account limit 10 concurrent executions (10 unreserved now); the log parser reserves 5, leaving 5; Lambda keeps at least 100 unreserved",
      todo: 'request a quota increase of Lambda "Concurrent executions" (Service Quotas code L-B99A9384) in us-east-1 to at least 105, or drop the reservation (logPipeline.reservedConcurrency in the stack config)',
    });
    const edge = await checksOf(m, (h) => {
      h.account.lambdaLimit = 105;
    });
    expect(edge.byName("lambda concurrency")?.status).toBe("PASS");
    const none = await checksOf(manifest());
    expect(none.byName("lambda concurrency")).toBeUndefined();
  });

  it("fails App Runner when the account may not use it, pointing at ecs-express", async () => {
    const m = manifest({ platform: "app-runner" });
    const r = await checksOf(m, (h) => {
      h.account.appRunner = { usable: false, reason: "SubscriptionRequiredException: needs a subscription" };
    });
    expect(r.byName("app runner")).toEqual({
      name: "app runner",
      status: "FAIL",
      found:
        "App Runner is not usable by this account in us-east-1 (SubscriptionRequiredException: needs a subscription)",
      todo: 'set backend.platform: "ecs-express" in apps/infra/config/dev.json',
    });
    expect((await checksOf(manifest())).byName("app runner")).toBeUndefined();
  });

  it("fails AWS_SSO without IAM Identity Center, and says SAML is the other way", async () => {
    const r = await checksOf(manifest(), (h) => {
      h.account.ssoInstances = 0;
    });
    expect(r.byName("identity center")?.status).toBe("FAIL");
    expect(r.byName("identity center")?.todo).toBe(
      'enable IAM Identity Center (console: IAM Identity Center > Enable) in us-east-1, or set observability.grafana.authentication: "SAML" in apps/infra/config/dev.json',
    );
    const saml = await checksOf(manifest({ grafana: { authentication: "SAML" } }), (h) => {
      h.account.ssoInstances = 0;
    });
    expect(saml.byName("identity center")).toBeUndefined();
  });

  it("fails a region without Managed Prometheus or Grafana (or App Runner for that platform)", async () => {
    const r = await checksOf(manifest({ region: "ca-central-1" }), (h) => {
      h.account.regionServices = new Set(["aps"]);
    });
    expect(r.byName("region services")).toMatchObject({
      status: "FAIL",
      found: "ca-central-1 does not offer Amazon Managed Grafana",
    });
    const ar = await checksOf(manifest({ platform: "app-runner" }), (h) => {
      h.account.regionServices = new Set(["aps", "grafana"]);
    });
    expect(ar.byName("region services")?.todo).toMatch(/^set backend\.platform: "ecs-express"/);
  });

  it("fails a digest-pinned image that is not in ECR, and one whose repository nobody makes", async () => {
    const m = manifest();
    const digest = `sha256:${"c".repeat(64)}`;
    const images = [
      { ...m.images[0], tag: null, digest },
      { ...m.images[1], repository: "trackgraph/unknown" },
    ] as DeployManifest["images"];
    const r = await checksOf({ ...m, images }, (h) => {
      h.account.repositories.add("us-east-1/trackgraph/backend");
    });
    expect(r.ok).toBe(false);
    expect(r.byName(`image trackgraph/backend@${digest}`)).toMatchObject({
      status: "FAIL",
      found: "not in ECR (us-east-1)",
    });
    expect(r.byName("image trackgraph/unknown:src-fedcba9876543210fedc")?.found).toBe(
      "repository trackgraph/unknown does not exist in us-east-1, and the bootstrap stack does not make it",
    );
  });

  it("warns that a secret the user provides stops the deploy until it has a value", async () => {
    const m = manifest();
    const secrets = [m.secrets[0], { ...m.secrets[1], generate: false }] as DeployManifest["secrets"];
    const r = await checksOf({ ...m, secrets });
    expect(r.byName("secret trackgraph-dev-secrets/collector-token")).toEqual({
      name: "secret trackgraph-dev-secrets/collector-token",
      status: "WARN",
      found: "not created yet (the user provides its value)",
      todo: "deploy creates it, then stops until you run: aws secretsmanager put-secret-value --region us-east-1 --secret-id trackgraph-dev-secrets/collector-token --secret-string 'VALUE'",
    });
    expect(r.byName("secret trackgraph-dev-secrets/metrics-token")).toBeUndefined();
  });

  it("turns an AWS error into a FAIL naming the call", async () => {
    const r = await checksOf(manifest(), (h) => {
      h.account.roleExists = () =>
        Promise.reject(
          Object.assign(new Error("not authorized to perform iam:GetRole"), { name: "AccessDenied" }),
        );
    });
    expect(r.byName("service-linked role AWSServiceRoleForECS")).toMatchObject({
      status: "FAIL",
      found: "iam:GetRole failed: AccessDenied: not authorized to perform iam:GetRole",
    });
  });

  describe("tools", () => {
    it("fails Terraform older than 1.10.0", async () => {
      const r = await checksOf(manifest(), () => {}, { env: { FAKE_TF_VERSION: "1.9.8" } });
      expect(r.byName("terraform")).toMatchObject({
        status: "FAIL",
        found: "terraform 1.9.8 is older than 1.10.0 (the S3 backend's native state locking)",
        todo: "upgrade terraform to 1.10.0 or newer",
      });
    });

    it("takes OpenTofu when Terraform is absent, and says what to install when both are", async () => {
      const tofu = await checksOf(manifest(), () => {}, { programs: ["tofu", "docker"] });
      expect(tofu.byName("terraform")).toMatchObject({ status: "PASS", found: "tofu 1.11.4" });
      const none = await checksOf(manifest(), () => {}, { programs: ["docker"] });
      expect(none.byName("terraform")).toEqual({
        name: "terraform",
        status: "FAIL",
        found: "neither terraform nor tofu is on PATH",
        todo: "install Terraform >= 1.10.0 (or OpenTofu >= 1.10.0) and put it on PATH",
      });
    });

    it("fails a missing docker, or one whose engine does not answer, when an image must be built", async () => {
      const missing = await checksOf(manifest(), () => {}, { programs: ["terraform"] });
      expect(missing.byName("docker")).toMatchObject({ status: "FAIL", found: "docker is not on PATH" });
      const down = await checksOf(manifest(), () => {}, { env: { FAKE_DOCKER_DOWN: "1" } });
      expect(down.byName("docker")).toMatchObject({
        status: "FAIL",
        found:
          "docker 28.2.2 is installed but its engine does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
      });
      const notNeeded = await checksOf(manifest(), (h) => h.account.deployed(), { programs: ["terraform"] });
      expect(notNeeded.byName("docker")).toBeUndefined();
      expect(notNeeded.ok).toBe(true);
    });
  });

  it("prints PASS/WARN/FAIL lines with one `do:` line under each that did not pass", async () => {
    const r = await checksOf(manifest({ lambda: { reservedConcurrency: 5 } }), (h) => {
      h.account.lambdaLimit = 10;
    });
    const lines = r.text.split("\n");
    expect(lines[0]).toBe("preflight dev (us-east-1)");
    const fail = lines.findIndex((l) => l.startsWith("FAIL  lambda concurrency: "));
    expect(lines[fail + 1]).toMatch(/^ {6}do: request a quota increase/);
    expect(lines.at(-1)).toBe("preflight: 1 failed, 6 warnings, 5 passed");
  });
});
