import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

/**
 * The log parser's environment exactly as a stack deploys it: the infra app synthesizes the stack and the
 * function's `environment.variables` are read from the Terraform JSON. References to other resources
 * (`${aws_dynamodb_table...}`) are returned as they are; the caller maps them to its own.
 */
export async function deployedLambdaEnvironment(stack: string): Promise<Record<string, string>> {
  const infra = dirname(createRequire(import.meta.url).resolve("@trackgraph/infra/package.json"));
  const outdir = mkdtempSync(join(tmpdir(), "validate-synth-"));
  try {
    await promisify(execFile)(process.execPath, [join(infra, "dist/main.js"), "--stack", stack], {
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    }).catch((error: { stderr?: string; message: string }) => {
      // The synth says what was wrong in its first line (`stack "nope" has no config file ...`).
      const said = (error.stderr ?? "").split("\n").find((line) => line.trim() !== "") ?? error.message;
      throw new Error(`stack ${stack}: the synth of its Lambda environment failed: ${said.split("\n")[0]}`);
    });
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      resource: {
        aws_lambda_function?: Record<string, { environment?: { variables?: Record<string, string> } }>;
      };
    };
    const functions = Object.values(json.resource.aws_lambda_function ?? {});
    if (functions.length !== 1)
      throw new Error(`stack ${stack}: expected one Lambda function, found ${functions.length}`);
    return { ...functions[0]?.environment?.variables };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
