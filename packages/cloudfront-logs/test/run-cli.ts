import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

// The built CLI, as `pnpm -s cf-logs` runs it (turbo builds this package before its tests).
const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const run = promisify(execFile);

/** Runs `cf-logs` with `args`; resolves with its exit code and output whether it succeeds or fails. */
export async function cfLogs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
