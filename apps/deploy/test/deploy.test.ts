import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CommandFailed, DeployStop, ManifestError, PreflightFailed, UnknownStack } from "../src/index.js";
import { line, manifest, readLog } from "./fixtures.js";
import { harness, milestones } from "./harness.js";

const cli = join(import.meta.dirname, "../dist/cli.js");
const DIGEST = `sha256:${"b".repeat(64)}`;

describe("deploy of an environment stack", () => {
  it("goes from a fresh account to a running stack in order", async () => {
    const h = harness();
    await h.run();
    expect(milestones(h.events())).toEqual([
      "preflight",
      "aws CreateServiceLinkedRole",
      "aws CreateServiceLinkedRole",
      "aws CreateServiceLinkedRole",
      "terraform init bootstrap",
      "terraform apply bootstrap",
      "aws GetAuthorizationToken",
      "docker login",
      "docker build",
      "docker push",
      "docker build",
      "docker push",
      "terraform init dev",
      "terraform apply dev (targets)",
      "aws PutSecretValue",
      "aws PutSecretValue",
      "terraform init dev",
      "terraform apply dev",
      "terraform output dev",
      "terraform output dev",
      "aws CreateWorkspaceServiceAccountToken",
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
      "aws DeleteWorkspaceServiceAccountToken",
    ]);
    // The preflight ran its tools check before anything changed.
    const first = h.events().findIndex((e) => e.argv[0] === "CreateServiceLinkedRole");
    const versions = h.events().filter((e, i) => e.argv[0] === "version" && i < first);
    expect(versions.map((e) => e.prog)).toEqual(["terraform", "docker"]);
    expect(h.out.filter((l) => /^\d+\. /.test(l))).toEqual([
      "1. Synthesize dev: skipped (--no-synth: cdktf.out as it is)",
      "2. Preflight (read-only checks of the account and the tools)",
      "3. Service-linked roles",
      "4. Bootstrap (bootstrap)",
      "5. Images",
      "6. Secrets of dev (Terraform, targeted: before any service reads them)",
      "7. Secret values",
      "8. Apply dev",
      "9. Log retention of the groups App Runner makes (Terraform cannot set it)",
      "10. Apply dev-dashboards (with a Grafana token for this apply only)",
    ]);
    expect(h.out).toContain("   none: no App Runner service");
    expect(h.out.at(-1)).toBe("deploy dev: done");
  });

  describe("on App Runner", () => {
    const onAppRunner = () =>
      manifest({
        platform: "app-runner",
        appRunnerLogs: { services: ["trackgraph-dev-backend", "trackgraph-dev-proxy"], retentionDays: 30 },
      });
    const group = (service: string, kind: string) =>
      `/aws/apprunner/${service}/0123456789abcdef0123456789abcdef/${kind}`;

    it("sets the retention of every group App Runner made, after the environment apply", async () => {
      const h = harness(onAppRunner());
      await h.run();
      const labels = milestones(h.events());
      const applied = labels.indexOf("terraform apply dev");
      expect(labels.slice(applied + 1, applied + 6)).toEqual([
        "aws PutRetentionPolicy",
        "aws PutRetentionPolicy",
        "aws PutRetentionPolicy",
        "aws PutRetentionPolicy",
        "terraform output dev",
      ]);
      expect(Object.fromEntries(h.account.logGroupRetention)).toEqual({
        [`us-east-1|${group("trackgraph-dev-backend", "service")}`]: 30,
        [`us-east-1|${group("trackgraph-dev-backend", "application")}`]: 30,
        [`us-east-1|${group("trackgraph-dev-proxy", "service")}`]: 30,
        [`us-east-1|${group("trackgraph-dev-proxy", "application")}`]: 30,
      });
      expect(h.out).toContain(
        `   ${group("trackgraph-dev-backend", "application")}: 30 days (never expired)`,
      );
    });

    it("leaves a group at the configured retention alone and changes one at another", async () => {
      const h = harness(onAppRunner());
      await h.run();
      h.account.logGroupRetention.set(`us-east-1|${group("trackgraph-dev-proxy", "service")}`, 7);
      const before = h.events().length;
      await h.run();
      const puts = h
        .events()
        .slice(before)
        .filter((e) => e.argv[0] === "PutRetentionPolicy");
      expect(puts.map((e) => e.argv.slice(1))).toEqual([
        [group("trackgraph-dev-proxy", "service"), "30", "us-east-1"],
      ]);
      expect(h.out).toContain(`   ${group("trackgraph-dev-backend", "service")}: 30 days, left alone`);
      expect(h.out).toContain(`   ${group("trackgraph-dev-proxy", "service")}: 30 days (was 7 days)`);
    });

    it("names the application group App Runner has not made yet, and the next deploy sets it", async () => {
      const h = harness(onAppRunner());
      h.account.appRunnerServicesLogged = false;
      await h.run();
      expect(h.out).toContain(
        "   /aws/apprunner/trackgraph-dev-backend/*/application: not made yet (App Runner makes it when the service first logs): deploy again to set it",
      );
      expect([...h.account.logGroupRetention.values()]).toEqual([30, 30]);
      h.account.appRunnerServicesLogged = true;
      await h.run();
      expect([...h.account.logGroupRetention.values()]).toEqual([30, 30, 30, 30]);
    });

    it("plans the step in a dry run", async () => {
      const h = harness(onAppRunner());
      await h.run({ dryRun: true });
      expect(h.out).toContain(
        "   logs DescribeLogGroups /aws/apprunner/trackgraph-dev-proxy/, then PutRetentionPolicy 30 days on each group with another",
      );
      expect(h.account.logGroupRetention.size).toBe(0);
    });
  });

  it("refuses a stack with local state on a throwaway CI machine, before anything runs", async () => {
    const h = harness({ ...manifest(), state: null });
    await expect(h.run({ ephemeral: true })).rejects.toThrow(
      /dev keeps local state, which this run's machine throws away: give it state\.bucket/,
    );
    expect(h.events()).toEqual([]);
    // On a person's machine the state file stays, so the same stack deploys.
    await h.run({ ephemeral: false });
    expect(milestones(h.events()).at(-1)).toBe("aws DeleteWorkspaceServiceAccountToken");
  });

  it("runs the exact commands: targets, build platform, tags and contexts", async () => {
    const h = harness();
    await h.run();
    const lines = h.events().map(line);
    expect(lines).toContain(
      "terraform -chdir=cdktf.out/stacks/dev apply -input=false -target=aws_secretsmanager_secret.secrets_METRICS_TOKEN_0C12F893 -target=aws_secretsmanager_secret.secrets_COLLECTOR_TOKEN_2A695022",
    );
    expect(lines).toContain(
      "docker build --platform linux/amd64 -t 123456789012.dkr.ecr.us-east-1.amazonaws.com/trackgraph/backend:src-0123456789abcdef0123 apps/backend-otel/dist-container",
    );
    expect(lines).toContain(
      "docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/trackgraph/collector-proxy:src-fedcba9876543210fedc",
    );
    expect(lines.filter((l) => l.includes(":latest"))).toEqual([]);
  });

  it("hands the ECR password to docker on stdin, never on the command line, and never prints it", async () => {
    const h = harness();
    await h.run();
    const login = h.events().find((e) => e.prog === "docker" && e.argv[0] === "login");
    expect(login?.argv).toEqual([
      "login",
      "--username",
      "AWS",
      "--password-stdin",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    ]);
    expect(login?.stdin).toBe("fake-ecr-password");
    expect(h.out.join("\n")).not.toContain("fake-ecr-password");
  });

  it("puts 32 random bytes into each generated secret, and never prints, logs or passes them", async () => {
    const h = harness();
    await h.run();
    expect(h.account.puts.map((p) => p.name)).toEqual([
      "trackgraph-dev-secrets/metrics-token",
      "trackgraph-dev-secrets/collector-token",
    ]);
    for (const { value } of h.account.puts) {
      expect(Buffer.from(value, "base64url")).toHaveLength(32);
      expect(h.out.join("\n")).not.toContain(value);
      expect(h.events().map(line).join("\n").includes(value)).toBe(false);
    }
    expect(h.account.puts[0]?.value).not.toBe(h.account.puts[1]?.value);
  });

  it("changes nothing on a second run: no build, no push, no secret value, no bootstrap", async () => {
    const h = harness();
    await h.run();
    const firstRun = h.events().length;
    h.out.length = 0;
    await h.run();
    const second = h.events().slice(firstRun);
    expect(milestones(second)).toEqual([
      "preflight",
      "terraform init dev",
      "terraform apply dev (targets)",
      "terraform init dev",
      "terraform apply dev",
      "terraform output dev",
      "terraform output dev",
      "aws CreateWorkspaceServiceAccountToken",
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
      "aws DeleteWorkspaceServiceAccountToken",
    ]);
    expect(second.filter((e) => e.prog === "docker")).toEqual([]);
    expect(h.account.puts).toHaveLength(2);
    expect(h.out).toContain("   trackgraph/backend:src-0123456789abcdef0123: already pushed");
    expect(h.out).toContain("   trackgraph-dev-secrets/metrics-token: has a value, left alone");
    expect(h.out).toContain("   AWSServiceRoleForECS exists");
    expect(h.out).toContain("   not needed: the state bucket and repositories exist");
  });

  it("stops before anything is applied when a digest-pinned image is not in ECR", async () => {
    const m = manifest();
    const pinned = { ...m.images[0], tag: null, digest: DIGEST } as (typeof m.images)[0];
    const h = harness({ ...m, images: [pinned, ...m.images.slice(1)] });
    await expect(h.run()).rejects.toBeInstanceOf(PreflightFailed);
    expect(h.out.join("\n")).toMatch(
      /FAIL {2}image trackgraph\/backend@sha256:b{64}: repository trackgraph\/backend does not exist in us-east-1/,
    );
    expect(milestones(h.events())).toEqual(["preflight"]);
    expect(h.events().filter((e) => e.prog === "docker" && e.argv[0] !== "version")).toEqual([]);
  });

  it("never builds a digest-pinned image that is in ECR", async () => {
    const m = manifest();
    const pinned = { ...m.images[0], tag: null, digest: DIGEST } as (typeof m.images)[0];
    const h = harness({ ...m, images: [pinned] });
    h.account.repositories.add("us-east-1/trackgraph/backend");
    h.account.images.add(`us-east-1/trackgraph/backend@${DIGEST}`);
    await h.run();
    expect(h.events().filter((e) => e.prog === "docker")).toEqual([]);
    expect(h.out).toContain(`   trackgraph/backend@${DIGEST}: in ECR`);
  });

  it("stops before any environment apply when a secret the user provides has no value", async () => {
    const m = manifest();
    const secrets = [m.secrets[0], { ...m.secrets[1], generate: false }] as typeof m.secrets;
    const h = harness({ ...m, secrets });
    const error = await h.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployStop);
    expect((error as Error).message).toBe(
      "secret trackgraph-dev-secrets/collector-token (COLLECTOR_TOKEN) has no value: run `aws secretsmanager put-secret-value --region us-east-1 --secret-id trackgraph-dev-secrets/collector-token --secret-string 'VALUE'`, then deploy again",
    );
    const labels = milestones(h.events());
    expect(labels.at(-1)).toBe("aws PutSecretValue");
    expect(labels).toContain("terraform apply dev (targets)");
    expect(labels).not.toContain("terraform apply dev");
    expect(labels).not.toContain("terraform apply dev-dashboards");
    expect(h.account.puts.map((p) => p.name)).toEqual(["trackgraph-dev-secrets/metrics-token"]);
  });

  it("goes on once the user has put the value", async () => {
    const m = manifest();
    const secrets = [m.secrets[0], { ...m.secrets[1], generate: false }] as typeof m.secrets;
    const h = harness({ ...m, secrets });
    await expect(h.run()).rejects.toBeInstanceOf(DeployStop);
    h.account.secrets.set("trackgraph-dev-secrets/collector-token", "set");
    await h.run();
    expect(milestones(h.events()).slice(-3)).toEqual([
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
      "aws DeleteWorkspaceServiceAccountToken",
    ]);
  });

  it("passes --auto-approve to every apply", async () => {
    const h = harness();
    await h.run({ autoApprove: true });
    const applies = h.events().filter((e) => e.prog === "terraform" && e.argv.includes("apply"));
    expect(applies).toHaveLength(4);
    for (const apply of applies) expect(apply.argv.at(-1)).toBe("-auto-approve");
  });

  it("stops at a failing command, naming it and its exit code", async () => {
    const h = harness(manifest(), { env: { FAKE_FAIL: "stacks/dev apply -input=false -target" } });
    const error = await h.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailed);
    expect((error as CommandFailed).exitCode).toBe(1);
    expect((error as Error).message).toMatch(
      /^`terraform -chdir=cdktf\.out\/stacks\/dev apply -input=false -target=\S+ -target=\S+` exited with 1$/,
    );
    expect(milestones(h.events()).at(-1)).toBe("terraform apply dev (targets)");
  });

  it("synthesizes the stack first, and the bootstrap stack before applying it", async () => {
    const h = harness();
    await h.run({ synth: true });
    const pnpm = h.events().filter((e) => e.prog === "pnpm");
    expect(pnpm.map((e) => [line(e), e.stack])).toEqual([
      ["pnpm turbo run build container --filter=@trackgraph/infra... --output-logs=errors-only", undefined],
      ["pnpm --silent --filter @trackgraph/infra run synth", "dev"],
      ["pnpm --silent --filter @trackgraph/infra run synth", "bootstrap"],
    ]);
    const lines = h.events().map(line);
    expect(lines.indexOf("pnpm --silent --filter @trackgraph/infra run synth")).toBe(1);
    expect(h.events().findIndex((e) => e.stack === "bootstrap")).toBeLessThan(
      lines.indexOf("terraform -chdir=cdktf.out/stacks/bootstrap init -input=false"),
    );
  });

  it("uses tofu when terraform is absent", async () => {
    const h = harness(manifest(), { programs: ["tofu", "docker"] });
    await h.run();
    expect(h.events().filter((e) => e.prog === "terraform")).toEqual([]);
    expect(h.events().filter((e) => e.prog === "tofu" && e.argv.includes("apply"))).toHaveLength(4);
  });
});

describe("the dashboards apply's Grafana token", () => {
  it("is minted for that apply alone, reaches it only through GRAFANA_AUTH, and is deleted after", async () => {
    const h = harness();
    await h.run();
    const create = h.events().find((e) => e.argv[0] === "CreateWorkspaceServiceAccountToken");
    expect(create?.argv).toEqual(["CreateWorkspaceServiceAccountToken", "g-0123456789", "7", "3600"]);
    const withToken = h.events().filter((e) => e.grafanaAuth !== undefined);
    expect(withToken.map(line)).toEqual([
      "terraform -chdir=cdktf.out/stacks/dev-dashboards apply -input=false",
    ]);
    expect(withToken[0]?.grafanaAuth).toBe("glsa_fake_grafana_key_1");
    expect(h.out.join("\n")).not.toContain("glsa_fake_grafana_key_1");
    expect(h.events().map(line).join("\n")).not.toContain("glsa_fake_grafana_key_1");
    expect(h.out).toContain(
      "   $ GRAFANA_AUTH=... terraform -chdir=cdktf.out/stacks/dev-dashboards apply -input=false",
    );
    expect(h.account.grafanaTokens.size).toBe(0);
  });

  it("is deleted when the apply fails too", async () => {
    const h = harness(manifest(), { env: { FAKE_FAIL: "stacks/dev-dashboards apply" } });
    await expect(h.run()).rejects.toBeInstanceOf(CommandFailed);
    expect(milestones(h.events()).slice(-2)).toEqual([
      "terraform apply dev-dashboards",
      "aws DeleteWorkspaceServiceAccountToken",
    ]);
    expect(h.account.grafanaTokens.size).toBe(0);
  });

  it("is not minted when the environment has no Grafana outputs: deploy it first", async () => {
    const h = harness(manifest(), { env: { FAKE_TF_OUTPUTS: "{}" } });
    const error = await h.run({ stack: "dev-dashboards" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployStop);
    expect((error as Error).message).toBe(
      'the dev stack has no output grafana_workspace_id (Error: Output "grafana_workspace_id" not found): apply it first (pnpm run deploy --stack dev)',
    );
    expect(h.events().filter((e) => e.argv[0] === "CreateWorkspaceServiceAccountToken")).toEqual([]);
    expect(h.events().filter((e) => e.argv.includes("apply"))).toEqual([]);
  });

  it("is not minted for a deploy.json without the Grafana outputs", async () => {
    const h = harness(manifest({ grafana: { authentication: "SAML" } }));
    await h.run();
    expect(milestones(h.events()).slice(-2)).toEqual([
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
    ]);
    expect(h.events().filter((e) => e.grafanaAuth !== undefined)).toEqual([]);
  });
});

describe("deploy --dry-run", () => {
  it("prints every step with its exact commands and runs nothing", async () => {
    const h = harness();
    await h.run({
      dryRun: true,
      account: () => Promise.reject(new Error("a dry run must not reach the account")),
    });
    expect(existsSync(h.log)).toBe(false);
    expect(readLog(h.log)).toEqual([]);
    const text = h.out.join("\n");
    expect(text).toContain("deploy dev: dry run (nothing below changes the account)");
    expect(h.out.filter((l) => /^\d+\. /.test(l))).toHaveLength(10);
    for (const expected of [
      "   $ terraform -chdir=cdktf.out/stacks/bootstrap apply -input=false",
      "   $ docker build --platform linux/amd64 -t 123456789012.dkr.ecr.us-east-1.amazonaws.com/trackgraph/backend:src-0123456789abcdef0123 apps/backend-otel/dist-container",
      "   $ terraform -chdir=cdktf.out/stacks/dev apply -input=false -target=aws_secretsmanager_secret.secrets_METRICS_TOKEN_0C12F893 -target=aws_secretsmanager_secret.secrets_COLLECTOR_TOKEN_2A695022",
      "   $ GRAFANA_AUTH=... terraform -chdir=cdktf.out/stacks/dev-dashboards apply -input=false (the token in its environment only)",
      "   $ terraform -chdir=cdktf.out/stacks/dev output -raw grafana_workspace_id",
      "   if AWSServiceRoleForECS is missing: iam CreateServiceLinkedRole --aws-service-name ecs.amazonaws.com",
    ])
      expect(text).toContain(expected);
    expect(h.out.at(-1)).toBe("deploy dev: dry run done");
  });
});

describe("--stack", () => {
  it("<env>-dashboards applies only that stack, after checking the environment's deploy.json", async () => {
    const h = harness();
    await h.run({ stack: "dev-dashboards" });
    expect(milestones(h.events())).toEqual([
      "preflight",
      "terraform init dev",
      "terraform output dev",
      "terraform output dev",
      "aws CreateWorkspaceServiceAccountToken",
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
      "aws DeleteWorkspaceServiceAccountToken",
    ]);
    rmSync(join(h.root, "cdktf.out/stacks/dev/deploy.json"));
    await expect(h.run({ stack: "dev-dashboards" })).rejects.toThrow(
      /cdktf\.out\/stacks\/dev\/deploy\.json: missing: dev-dashboards reads the dev stack/,
    );
  });

  it("a bootstrap stack is applied with terraform directly (it has no deploy.json)", async () => {
    const h = harness();
    await h.run({ stack: "bootstrap", autoApprove: true });
    expect(h.events().map(line)).toEqual([
      "aws GetCallerIdentity us-east-1",
      "terraform version -json",
      "terraform -chdir=cdktf.out/stacks/bootstrap init -input=false",
      "terraform -chdir=cdktf.out/stacks/bootstrap apply -input=false -auto-approve",
    ]);
  });

  it("an unknown stack is refused before anything runs", async () => {
    const h = harness();
    await expect(h.run({ stack: "nope", synth: true })).rejects.toBeInstanceOf(UnknownStack);
    await expect(h.run({ stack: "example", synth: true })).rejects.toBeInstanceOf(UnknownStack);
    await expect(h.run({ stack: "bootstrap-dashboards", synth: true })).rejects.toBeInstanceOf(UnknownStack);
    expect(readLog(h.log)).toEqual([]);
  });

  it("an unknown stack exits 2 with one line through the CLI, before anything runs", async () => {
    const h = harness();
    // Before anything runs is what the empty call log shows; no wall-clock bound (a loaded CI machine
    // took over a second to start node), only a guard against a hang.
    const result = await promisify(execFile)(
      process.execPath,
      [cli, "deploy", "--stack", "nope", "--root", h.root],
      {
        env: h.env,
        timeout: 20_000,
      },
    ).catch((e: { code: number; stderr: string; killed?: boolean }) => e);
    expect("killed" in result && result.killed, "killed after 20 s").toBeFalsy();
    expect("code" in result && result.code).toBe(2);
    expect(result.stderr).toBe(
      'deploy: unknown stack "nope": no apps/infra/config/nope.json (known: bootstrap, dev, dev-dashboards)\n',
    );
    expect(readLog(h.log)).toEqual([]);
  });

  it("a deploy.json that does not match names the file and the key", async () => {
    const h = harness({ ...manifest(), region: "moon-1" } as never);
    await expect(h.run()).rejects.toBeInstanceOf(ManifestError);
    await expect(h.run()).rejects.toThrow(
      /cdktf\.out\/stacks\/dev\/deploy\.json: region: got "moon-1", expected an AWS region/,
    );
  });
});
