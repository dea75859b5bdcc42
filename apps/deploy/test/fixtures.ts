import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployManifest } from "../src/index.js";

/** The shape apps/infra's synth writes for an environment stack (the contract in the README). */
export function manifest(overrides: Partial<DeployManifest> = {}): DeployManifest {
  return {
    version: 1,
    stack: "dev",
    kind: "environment",
    region: "us-east-1",
    accountId: "123456789012",
    stacks: ["dev", "dev-dashboards"],
    bootstrap: {
      stack: "bootstrap",
      region: "us-east-1",
      stateBucket: "trackgraph-bootstrap-tfstate-123456789012",
      repositories: ["trackgraph/backend", "trackgraph/collector-proxy"],
    },
    state: { bucket: "trackgraph-bootstrap-tfstate-123456789012", region: "us-east-1" },
    images: [
      {
        repository: "trackgraph/backend",
        region: "us-east-1",
        tag: "src-0123456789abcdef0123",
        digest: undefined,
        context: "apps/backend-otel/dist-container",
      },
      {
        repository: "trackgraph/collector-proxy",
        region: "us-east-1",
        tag: "src-fedcba9876543210fedc",
        digest: undefined,
        context: "apps/collector/dist-image/proxy",
      },
    ],
    secrets: [
      {
        name: "trackgraph-dev-secrets/metrics-token",
        env: "METRICS_TOKEN",
        generate: true,
        address: "aws_secretsmanager_secret.secrets_METRICS_TOKEN_0C12F893",
      },
      {
        name: "trackgraph-dev-secrets/collector-token",
        env: "COLLECTOR_TOKEN",
        generate: true,
        address: "aws_secretsmanager_secret.secrets_COLLECTOR_TOKEN_2A695022",
      },
    ],
    platform: "ecs-express",
    serviceLinkedRoles: [
      "ecs.amazonaws.com",
      "elasticloadbalancing.amazonaws.com",
      "ecs.application-autoscaling.amazonaws.com",
    ],
    lambda: { reservedConcurrency: null },
    grafana: {
      authentication: "AWS_SSO",
      workspaceIdOutput: "grafana_workspace_id",
      serviceAccountIdOutput: "grafana_service_account_id",
      tokenSeconds: 3600,
    },
    ...overrides,
  };
}

/**
 * A repository root as the deploy reads it: the stack configs (bootstrap, dev, an example that is not a
 * stack) and what synth would have written for them.
 */
export function makeRoot(m: DeployManifest = manifest()): string {
  const root = mkdtempSync(join(tmpdir(), "trackgraph-deploy-"));
  const config = join(root, "apps/infra/config");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "bootstrap.json"), JSON.stringify({ trackgraph: { kind: "bootstrap" } }));
  writeFileSync(join(config, "dev.json"), JSON.stringify({ trackgraph: { environment: "dev" } }));
  writeFileSync(join(config, "example.json"), JSON.stringify({ trackgraph: { environment: "prod" } }));
  writeManifest(root, m);
  for (const image of m.images) mkdirSync(join(root, image.context), { recursive: true });
  const bootstrapDir = join(root, "cdktf.out/stacks/bootstrap");
  mkdirSync(bootstrapDir, { recursive: true });
  writeFileSync(
    join(bootstrapDir, "cdk.tf.json"),
    JSON.stringify({ provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["123456789012"] }] } }),
  );
  return root;
}

export function writeManifest(root: string, m: DeployManifest | Record<string, unknown>): void {
  const dir = join(root, "cdktf.out/stacks", String(m.stack));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "deploy.json"), JSON.stringify(m, null, 2));
}

/**
 * Fake `terraform`, `tofu`, `docker` and `pnpm`: each appends `{prog, argv, stdin?}` to $FAKE_LOG and exits
 * 0. `version` answers with $FAKE_TF_VERSION / $FAKE_DOCKER_VERSION (with $FAKE_DOCKER_DOWN, docker's
 * engine does not answer); `terraform output -raw NAME` prints NAME of the $FAKE_TF_OUTPUTS object (exit
 * 1 when it has none); a command line containing $FAKE_FAIL exits 1. With $FAKE_AWS_ENDPOINT and $FAKE_EFFECTS (e2e), a command whose words include
 * every word of an effect's `when` also sends that effect's calls to the endpoint (what Terraform or
 * `docker push` would have made in the account).
 */
export const FAKE_PROGRAMS = ["terraform", "tofu", "docker", "pnpm"] as const;

const FAKE_SOURCE = `
const fs = require("node:fs");
const path = require("node:path");
const prog = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
const entry = { prog, argv };
if (prog === "pnpm" && process.env.TRACKGRAPH_STACK) entry.stack = process.env.TRACKGRAPH_STACK;
if (process.env.GRAFANA_AUTH) entry.grafanaAuth = process.env.GRAFANA_AUTH;
if (argv.includes("--password-stdin")) entry.stdin = fs.readFileSync(0, "utf8");
if (process.env.FAKE_LOG) fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify(entry) + "\\n");
const words = [prog, ...argv];
if (process.env.FAKE_FAIL && words.join(" ").includes(process.env.FAKE_FAIL)) process.exit(1);
if ((prog === "terraform" || prog === "tofu") && argv[0] === "version")
  process.stdout.write(JSON.stringify({ terraform_version: process.env.FAKE_TF_VERSION || "1.11.4", platform: "linux_amd64" }));
const output = argv.indexOf("output");
if ((prog === "terraform" || prog === "tofu") && output >= 0) {
  const outputs = JSON.parse(process.env.FAKE_TF_OUTPUTS || "{}");
  const name = argv[argv.length - 1];
  if (!(name in outputs)) {
    process.stderr.write("╷\\n│ Error: Output \\"" + name + "\\" not found\\n");
    process.exit(1);
  }
  process.stdout.write(String(outputs[name]));
}
if (prog === "docker" && argv[0] === "version") {
  process.stdout.write((process.env.FAKE_DOCKER_VERSION || "28.2.2") + "\\n");
  if (process.env.FAKE_DOCKER_DOWN) {
    process.stderr.write("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\\n");
    process.exit(1);
  }
}
async function effects() {
  const endpoint = process.env.FAKE_AWS_ENDPOINT;
  if (!endpoint || !process.env.FAKE_EFFECTS) return;
  for (const effect of JSON.parse(fs.readFileSync(process.env.FAKE_EFFECTS, "utf8"))) {
    if (!effect.when.every((w) => words.some((x) => x.includes(w)))) continue;
    for (const call of effect.calls) {
      const headers = {
        authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/" + call.region + "/" + call.service + "/aws4_request, SignedHeaders=host, Signature=0",
      };
      if (call.target) {
        headers["x-amz-target"] = call.target;
        headers["content-type"] = "application/x-amz-json-1.1";
      }
      const response = await fetch(endpoint + (call.path || "/"), {
        method: call.method || "POST",
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      const text = await response.text();
      // Terraform makes what is missing and leaves what is there: an "exists" answer is a no-op here too.
      if (!response.ok && !/Exists|AlreadyOwned|already exists/.test(text)) {
        process.stderr.write("fake " + prog + ": " + (call.target || call.path) + " answered " + response.status + " " + text + "\\n");
        process.exit(3);
      }
    }
  }
}
effects().then(() => process.exit(0));
`;

/** Writes the fake programs into a new folder and returns it (put it first on PATH, or alone). */
export function fakeBin(programs: readonly string[] = FAKE_PROGRAMS): string {
  const dir = mkdtempSync(join(tmpdir(), "trackgraph-fakebin-"));
  for (const program of programs) {
    const file = join(dir, program);
    writeFileSync(file, `#!${process.execPath}\n${FAKE_SOURCE}`);
    chmodSync(file, 0o755);
  }
  return dir;
}

export interface LogEntry {
  prog: string;
  argv: string[];
  stdin?: string;
  /** TRACKGRAPH_STACK of a pnpm call (synth). */
  stack?: string;
  /** GRAFANA_AUTH in the program's environment. */
  grafanaAuth?: string;
}

export function readLog(file: string): LogEntry[] {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as LogEntry);
}

/** One log entry as a command line, e.g. `terraform -chdir=cdktf.out/stacks/dev init -input=false`. */
export const line = (e: LogEntry) => [e.prog, ...e.argv].join(" ");
