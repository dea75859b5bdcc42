import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { XRayClient } from "@aws-sdk/client-xray";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { deployedLambdaEnvironment } from "./deployed-config.js";
import type { ValidationTarget } from "./target.js";

export interface AwsTargetOptions {
  stack: string;
  region: string;
  /** `cdktf output --outputs-file` JSON; without it, `terraform output -json` in the stack's synth folder. */
  outputsFile?: string;
  /** The stack's synthesized folder (where `cdktf deploy` ran terraform). */
  stackDir?: string;
  timeoutSeconds?: number;
}

interface StackOutputs {
  backend_url: string;
  amp_query_url: string;
  logs_bucket: string;
}

const OUTPUT_NAMES: ReadonlyArray<string> = ["backend_url", "amp_query_url", "logs_bucket"];

/**
 * Why a deployed stack cannot be validated, found before any AWS call (its outputs cannot be read): one
 * line naming the stack or the file and what to do.
 */
export class TargetError extends Error {
  override readonly name = "TargetError";
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The first line of `text` (a JSON parser's message may quote the input, newlines and all). */
const firstLine = (text: string) => text.split("\n")[0] ?? "";

/** A `cdktf output --outputs-file` file: `{ "<stack>": { name: value } }`, or the outputs themselves. */
function readOutputsFile(file: string, stack: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "a directory, not a file"
          : `cannot read (${code ?? String(error)})`;
    throw new TargetError(`--outputs ${file}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TargetError(`--outputs ${file}: not valid JSON (${firstLine((error as Error).message)})`);
  }
  if (!isObject(json))
    throw new TargetError(
      `--outputs ${file}: expected a JSON object (cdktf output --outputs-file writes one)`,
    );
  const byStack = json[stack];
  if (isObject(byStack)) return byStack;
  // Keyed by stack (every value an object, no key an output's name), but not by this one: name them.
  const stacks = Object.keys(json);
  const keyedByStack = Object.values(json).every(isObject) && !stacks.some((k) => OUTPUT_NAMES.includes(k));
  if (stacks.length > 0 && keyedByStack)
    throw new TargetError(`--outputs ${file}: no stack ${stack} in it (it holds ${stacks.join(", ")})`);
  return json;
}

/**
 * Terraform's own first error line in its stderr (`Error: Unclosed object`, `Error handling -chdir option:
 * ...`), without its colours and box; warnings before it (a missing CLI config file) are skipped.
 */
export function terraformError(stderr: string): string | undefined {
  const lines = stderr
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terraform colours its output even in a pipe.
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.replace(/^[\s│╷╵]+/, "").trimEnd());
  return lines.find((line) => line.startsWith("Error")) ?? lines.find((line) => line !== "");
}

/** `terraform output -json` in the stack's synthesized folder, which must exist (the deploy ran there). */
async function terraformOutputs(stack: string, dir: string): Promise<Record<string, unknown>> {
  if (!existsSync(dir))
    throw new TargetError(
      `stack ${stack}: ${dir} does not exist: deploy the stack (pnpm run deploy --stack ${stack}) ` +
        "or pass --outputs FILE",
    );
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("terraform", [`-chdir=${dir}`, "output", "-json"]));
  } catch (error) {
    const e = error as { code?: unknown; stderr?: string };
    if (e.code === "ENOENT")
      throw new TargetError("terraform is not on PATH: install it, or pass --outputs FILE");
    const said = terraformError(e.stderr ?? "") ?? `exit code ${String(e.code)}`;
    throw new TargetError(`stack ${stack}: terraform -chdir=${dir} output -json failed: ${said}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new TargetError(
      `stack ${stack}: terraform output -json printed no JSON (${firstLine((error as Error).message)})`,
    );
  }
  if (!isObject(json)) throw new TargetError(`stack ${stack}: terraform output -json printed no JSON object`);
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, isObject(v) ? v.value : undefined]));
}

async function readOutputs(options: AwsTargetOptions): Promise<StackOutputs> {
  const from = options.outputsFile;
  const raw =
    from === undefined
      ? await terraformOutputs(options.stack, options.stackDir ?? `cdktf.out/stacks/${options.stack}`)
      : readOutputsFile(from, options.stack);
  const get = (name: keyof StackOutputs) => {
    const value = raw[name];
    if (typeof value !== "string" || value === "")
      throw new TargetError(
        from === undefined
          ? `stack ${options.stack}: output ${name} is missing (deploy the stack first)`
          : `--outputs ${from}: no output ${name} for stack ${options.stack}`,
      );
    return value;
  };
  return {
    backend_url: get("backend_url"),
    amp_query_url: get("amp_query_url"),
    logs_bucket: get("logs_bucket"),
  };
}

/** A fetch that signs each request with SigV4 for AMP's query API, with the default credential chain. */
function ampFetch(region: string): typeof fetch {
  const signer = new SignatureV4({
    service: "aps",
    region,
    credentials: defaultProvider(),
    sha256: Hash.bind(null, "sha256"),
  });
  return async (input) => {
    const url = new URL(String(input));
    const signed = await signer.sign(
      new HttpRequest({
        method: "GET",
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.hostname },
      }),
    );
    return fetch(url, { headers: signed.headers as Record<string, string> });
  };
}

/**
 * A deployed stack as a validation target, from its outputs: the same three checks, with S3 notifying the
 * real Lambda by itself and AMP read through SigV4. It cannot run here (no AWS account); it is the local
 * path with AWS clients in place of the plane's.
 */
export async function awsTarget(options: AwsTargetOptions): Promise<ValidationTarget> {
  const outputs = await readOutputs(options);
  const lambdaEnv = await deployedLambdaEnvironment(options.stack);
  const config = { region: options.region };
  return {
    label: `stack ${options.stack} in ${options.region}`,
    backendUrl: outputs.backend_url,
    xray: new XRayClient(config),
    prometheusUrl: outputs.amp_query_url.replace(/\/api\/v1\/query$/, ""),
    prometheusFetch: ampFetch(options.region),
    logs: {
      s3: new S3Client(config),
      bucket: outputs.logs_bucket,
      prefix: lambdaEnv.LOG_PREFIX ?? "cloudfront/",
      deliver: async () => {},
    },
    cloudwatch: new CloudWatchClient(config),
    // The Lambda's metrics take a minute or two to be queryable in CloudWatch.
    timeoutSeconds: options.timeoutSeconds ?? 300,
  };
}
