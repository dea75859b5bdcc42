import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** How a command line tool ended: its exit code (-1 when killed at `timeoutMs`) and what it printed. */
export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunNodeOptions {
  cwd?: string;
  /** The whole environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Kills the child after this long: a guard against a hang, not a speed claim. @default 30_000 */
  timeoutMs?: number;
}

/**
 * Runs a built command line tool (`node script ...args`) as its pnpm script does, and resolves with how it
 * ended, also when it fails: for tests of exit codes and error lines.
 */
export async function runNode(
  script: string,
  args: readonly string[],
  options: RunNodeOptions = {},
): Promise<NodeRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
      timeout: options.timeoutMs ?? 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; killed?: boolean; stdout?: string; stderr?: string };
    return {
      code: e.killed || typeof e.code !== "number" ? -1 : e.code,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    };
  }
}
