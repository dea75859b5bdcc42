import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { DescribeSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeBin, line, makeRoot, manifest, readLog } from "./fixtures.js";
import { milestones } from "./harness.js";
import { imageManifest, seeder } from "./moto-seed.js";

const cli = join(import.meta.dirname, "../dist/cli.js");

let moto: MotoServer;
/** Stands in for Managed Grafana's API, which moto does not have: the token calls, recorded. */
let grafana: Server;
let grafanaEndpoint: string;
const grafanaCalls: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  let tokens = 0;
  grafana = createServer((request, response) => {
    grafanaCalls.push(`${request.method} ${request.url}`);
    const path = request.url ?? "";
    const create = /^\/workspaces\/([^/]+)\/serviceaccounts\/([^/]+)\/tokens$/.exec(path);
    const remove = /^\/workspaces\/([^/]+)\/serviceaccounts\/([^/]+)\/tokens\/([^/]+)$/.exec(path);
    response.setHeader("content-type", "application/json");
    if (request.method === "POST" && create) {
      tokens += 1;
      response.end(
        JSON.stringify({
          serviceAccountId: create[2],
          workspaceId: create[1],
          serviceAccountToken: { id: String(tokens), name: "deploy", key: `glsa_e2e_key_${tokens}` },
        }),
      );
    } else if (request.method === "DELETE" && remove) {
      response.end(
        JSON.stringify({ serviceAccountId: remove[2], tokenId: remove[3], workspaceId: remove[1] }),
      );
    } else {
      response.statusCode = 404;
      response.end("{}");
    }
  });
  await new Promise<void>((resolve) => grafana.listen(0, "127.0.0.1", resolve));
  const address = grafana.address();
  grafanaEndpoint = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await moto?.stop();
  await new Promise((resolve) => grafana?.close(resolve));
});

/** The environment of a CLI run: fakes alone on PATH, AWS on moto (Grafana on the stand-in). */
function cliEnv(log: string, effectsFile: string): Record<string, string> {
  return {
    PATH: fakeBin(),
    FAKE_LOG: log,
    FAKE_EFFECTS: effectsFile,
    FAKE_AWS_ENDPOINT: moto.endpoint,
    FAKE_TF_OUTPUTS: JSON.stringify({
      grafana_workspace_id: "g-0123456789",
      grafana_service_account_id: "7",
    }),
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ENDPOINT_URL_GRAFANA: grafanaEndpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * What Terraform and `docker push` would make in the account, for the fake programs to send to moto: the
 * bootstrap stack's bucket and repositories, the targeted apply's secrets (without a value), the images.
 */
function effects(m: ReturnType<typeof manifest>) {
  const ecr = (target: string, body: unknown) => ({
    service: "ecr",
    region: "us-east-1",
    target: `AmazonEC2ContainerRegistry_V20150921.${target}`,
    body,
  });
  return [
    {
      when: ["terraform", "apply", "stacks/bootstrap"],
      calls: [
        { service: "s3", region: "us-east-1", method: "PUT", path: `/${m.bootstrap?.stateBucket}` },
        ...(m.bootstrap?.repositories ?? []).map((r) => ecr("CreateRepository", { repositoryName: r })),
      ],
    },
    {
      when: ["terraform", "apply", "-target="],
      calls: m.secrets.map((s) => ({
        service: "secretsmanager",
        region: "us-east-1",
        target: "secretsmanager.CreateSecret",
        body: { Name: s.name },
      })),
    },
    ...m.images.map((i) => ({
      when: ["docker", "push", `${i.repository}:${i.tag}`],
      calls: [
        ecr("PutImage", {
          repositoryName: i.repository,
          imageTag: i.tag,
          imageManifest: imageManifest(String(i.tag)),
        }),
      ],
    })),
  ];
}

describe("pnpm run deploy against moto, with fake terraform and docker", () => {
  it("takes a fresh account to a deployed stack, and a second run changes nothing", async () => {
    const m = manifest();
    const root = makeRoot(m);
    const log = join(root, "calls.log");
    const effectsFile = join(root, "effects.json");
    writeFileSync(effectsFile, JSON.stringify(effects(m)));
    const env = cliEnv(log, effectsFile);
    const deploy = () =>
      promisify(execFile)(
        process.execPath,
        [cli, "deploy", "--stack", "dev", "--root", root, "--no-synth", "--auto-approve"],
        { env, timeout: 60_000 },
      );
    const seed = seeder(moto);

    const first = await deploy();
    expect(first.stdout).toMatch(/^deploy dev: done$/m);
    expect(milestones(readLog(log).map((e) => e))).toEqual([
      "terraform init bootstrap",
      "terraform apply bootstrap",
      "docker login",
      "docker build",
      "docker push",
      "docker build",
      "docker push",
      "terraform init dev",
      "terraform apply dev (targets)",
      "terraform init dev",
      "terraform apply dev",
      "terraform output dev",
      "terraform output dev",
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
    ]);
    // The dashboards apply alone got a Grafana token, in its environment, minted and deleted around it.
    expect(grafanaCalls).toEqual([
      "POST /workspaces/g-0123456789/serviceaccounts/7/tokens",
      "DELETE /workspaces/g-0123456789/serviceaccounts/7/tokens/1",
    ]);
    const withToken = readLog(log).filter((e) => e.grafanaAuth !== undefined);
    expect(withToken.map((e) => [line(e), e.grafanaAuth])).toEqual([
      ["terraform -chdir=cdktf.out/stacks/dev-dashboards apply -input=false -auto-approve", "glsa_e2e_key_1"],
    ]);
    expect(first.stdout + first.stderr).not.toContain("glsa_e2e_key_1");
    // The service-linked roles deploy created (moto names them its own way; the paths name the services).
    const roles = await seed.iam.send(new ListRolesCommand({ PathPrefix: "/aws-service-role/" }));
    expect((roles.Roles ?? []).map((r) => r.Path).sort()).toEqual([
      "/aws-service-role/ecs.amazonaws.com/",
      "/aws-service-role/ecs.application-autoscaling.amazonaws.com/",
      "/aws-service-role/elasticloadbalancing.amazonaws.com/",
    ]);
    await seed.s3.send(new HeadBucketCommand({ Bucket: m.bootstrap?.stateBucket ?? "" }));
    // docker login got the ECR password on stdin, decoded from moto's token.
    const login = readLog(log).find((e) => e.prog === "docker" && e.argv[0] === "login");
    expect(login?.argv).toEqual([
      "login",
      "--username",
      "AWS",
      "--password-stdin",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    ]);
    expect(login?.stdin).toBeTruthy();
    // Every secret got 32 random bytes, and no value reached the output or a command line.
    const values: Record<string, { value: string; versions: string[] }> = {};
    for (const s of m.secrets) {
      const secret = await seed.secrets.send(new GetSecretValueCommand({ SecretId: s.name }));
      expect(secret.VersionStages).toContain("AWSCURRENT");
      expect(Buffer.from(secret.SecretString ?? "", "base64url")).toHaveLength(32);
      const described = await seed.secrets.send(new DescribeSecretCommand({ SecretId: s.name }));
      values[s.name] = {
        value: secret.SecretString ?? "",
        versions: Object.keys(described.VersionIdsToStages ?? {}),
      };
      expect(first.stdout + first.stderr).not.toContain(secret.SecretString);
      expect(readLog(log).map(line).join("\n")).not.toContain(secret.SecretString);
    }

    const before = readLog(log).length;
    const second = await deploy();
    const again = readLog(log).slice(before);
    expect(milestones(again)).toEqual([
      "terraform init dev",
      "terraform apply dev (targets)",
      "terraform init dev",
      "terraform apply dev",
      "terraform output dev",
      "terraform output dev",
      "terraform init dev-dashboards",
      "terraform apply dev-dashboards",
    ]);
    expect(again.filter((e) => e.prog === "docker" && e.argv[0] !== "version")).toEqual([]);
    expect(second.stdout).toContain("   trackgraph/backend:src-0123456789abcdef0123: already pushed");
    expect(second.stdout).toContain("   trackgraph-dev-secrets/metrics-token: has a value, left alone");
    expect(second.stdout).toContain("   not needed: the state bucket and repositories exist");
    // No value was put the second time: same value, same single version.
    for (const s of m.secrets) {
      const secret = await seed.secrets.send(new GetSecretValueCommand({ SecretId: s.name }));
      const described = await seed.secrets.send(new DescribeSecretCommand({ SecretId: s.name }));
      expect(secret.SecretString).toBe(values[s.name]?.value);
      expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual(values[s.name]?.versions);
    }
    const images = await seed.ecr.send(new DescribeImagesCommand({ repositoryName: "trackgraph/backend" }));
    expect(images.imageDetails?.map((d) => d.imageTags)).toEqual([["src-0123456789abcdef0123"]]);
  });

  it("stops with exit 1 and the exact command when a user-provided secret has no value", async () => {
    await moto.reset();
    const base = manifest();
    const m = { ...base, secrets: [{ ...base.secrets[1], generate: false }] } as typeof base;
    const root = makeRoot(m);
    const log = join(root, "calls.log");
    const effectsFile = join(root, "effects.json");
    writeFileSync(effectsFile, JSON.stringify(effects(m)));
    const result = await promisify(execFile)(
      process.execPath,
      [cli, "deploy", "--stack", "dev", "--root", root, "--no-synth"],
      {
        env: cliEnv(log, effectsFile),
      },
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in result && result.code).toBe(1);
    expect(result.stderr).toContain(
      "deploy: secret trackgraph-dev-secrets/collector-token (COLLECTOR_TOKEN) has no value: run `aws secretsmanager put-secret-value --region us-east-1 --secret-id trackgraph-dev-secrets/collector-token --secret-string 'VALUE'`, then deploy again\n",
    );
    const labels = milestones(readLog(log));
    expect(labels.at(-1)).toBe("terraform apply dev (targets)");
  });
});
