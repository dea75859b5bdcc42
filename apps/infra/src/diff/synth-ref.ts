import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { StackJson } from "./types.js";

const run = promisify(execFile);

/** A failure infra:diff reports in one line (no stack trace, no child output repeated). */
export class InfraDiffError extends Error {
  override readonly name = "InfraDiffError";
}

/** Reads every `stacks/<name>/cdk.tf.json` under a cdktf output folder. */
export function readStacks(outdir: string): Map<string, StackJson> {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return new Map();
  return new Map(
    readdirSync(stacksDir)
      .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
      .map((name) => [
        name,
        JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")) as StackJson,
      ]),
  );
}

async function synthIn(checkout: string, outdir: string, log: (line: string) => void): Promise<void> {
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    TURBO_TELEMETRY_DISABLED: "1",
    CDKTF_OUTDIR: outdir,
    TRACKGRAPH_STACK: "",
  };
  log(`building the infra app in ${checkout}`);
  // The image contexts too, where the ref has them: synth tags each image by the digest of its context.
  const tasks = readFileSync(join(checkout, "turbo.json"), "utf8").includes('"container"')
    ? ["build", "container"]
    : ["build"];
  await run(
    "pnpm",
    ["turbo", "run", ...tasks, "--filter=@trackgraph/infra...", "--output-logs=errors-only"],
    {
      cwd: checkout,
      env,
      maxBuffer: 64 << 20,
    },
  );
  await run(process.execPath, [join(checkout, "apps", "infra", "dist", "main.js")], {
    cwd: checkout,
    env,
    maxBuffer: 64 << 20,
  });
}

/**
 * Synthesizes every stack as it is at a git ref, in a detached worktree with its own install, and
 * returns them. A ref without the infra app gives no stacks (everything at the head is then new).
 */
export async function synthAtRef(
  repo: string,
  ref: string,
  log: (line: string) => void,
): Promise<Map<string, StackJson>> {
  // Resolve the ref before making anything, so a bad one leaves no folder behind.
  const commit = await run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: repo,
  }).then(
    (r) => r.stdout.trim(),
    () => {
      throw new InfraDiffError(`"${ref}" is not a commit of this repository`);
    },
  );
  const work = mkdtempSync(join(tmpdir(), "infra-diff-"));
  const checkout = join(work, "checkout");
  const outdir = join(work, "cdktf.out");
  try {
    await run("git", ["worktree", "add", "--detach", checkout, commit], { cwd: repo });
    if (!existsSync(join(checkout, "apps", "infra", "package.json"))) return new Map();
    log(`installing ${ref} (offline when the store has every package)`);
    await run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=silent"], {
      cwd: checkout,
      maxBuffer: 64 << 20,
    });
    await synthIn(checkout, outdir, log);
    return readStacks(outdir);
  } finally {
    await run("git", ["worktree", "remove", "--force", checkout], { cwd: repo }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** Synthesizes the stacks of the working tree as it is now (uncommitted changes included). */
export async function synthWorkingTree(
  repo: string,
  log: (line: string) => void,
): Promise<Map<string, StackJson>> {
  const outdir = mkdtempSync(join(tmpdir(), "infra-diff-head-"));
  try {
    await synthIn(repo, outdir, log);
    return readStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
