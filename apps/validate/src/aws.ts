import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
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

async function readOutputs(options: AwsTargetOptions): Promise<StackOutputs> {
  let raw: Record<string, unknown>;
  if (options.outputsFile !== undefined) {
    const file = JSON.parse(readFileSync(options.outputsFile, "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    raw = file[options.stack] ?? file;
  } else {
    const dir = options.stackDir ?? `cdktf.out/stacks/${options.stack}`;
    const { stdout } = await promisify(execFile)("terraform", [`-chdir=${dir}`, "output", "-json"]);
    raw = Object.fromEntries(
      Object.entries(JSON.parse(stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
    );
  }
  const get = (name: keyof StackOutputs) => {
    const value = raw[name];
    if (typeof value !== "string" || value === "")
      throw new Error(`stack ${options.stack}: output ${name} is missing (deploy the stack first)`);
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
