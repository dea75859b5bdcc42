import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { peerBin } from "@trackgraph/test-peers";
import { type CheckovReport, evaluateCheckov, formatGateResult } from "./checkov-gate.js";

/** Runs checkov (installed by the repository's peer script) on every synthesized stack and applies the gate. */
export async function runCheckovGate(outdir: string): Promise<{ ok: boolean; text: string }> {
  const stacksDir = join(outdir, "stacks");
  const stacks = new Map(
    readdirSync(stacksDir).map(
      (stack) => [stack, JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8"))] as const,
    ),
  );
  const bin = await peerBin("checkov");
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      `${bin}/checkov`,
      ["-d", stacksDir, "--framework", "terraform_json", "--skip-download", "-o", "json"],
      { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: "TRUE" } },
    ));
  } catch (error) {
    // checkov exits 1 when a check fails; its report is still on stdout.
    stdout = (error as { stdout?: string }).stdout ?? "";
    if (stdout === "") throw error;
  }
  const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const merged: CheckovReport = {
    results: {
      failed_checks: reports.flatMap((r) => r.results.failed_checks),
      passed_checks: reports.flatMap((r) => r.results.passed_checks),
    },
  };
  const result = evaluateCheckov(merged, stacks);
  return {
    ok: result.unsuppressed.length === 0 && result.stale.length === 0,
    text: formatGateResult(result),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ?? fileURLToPath(new URL("../../../cdktf.out", import.meta.url));
  runCheckovGate(outdir).then(
    ({ ok, text }) => {
      process.stdout.write(`${text}\n`);
      process.exitCode = ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`checkov gate: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
