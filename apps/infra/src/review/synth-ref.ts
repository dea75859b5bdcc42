import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

/** Where the stacks synthesized from the config templates go in the result: `example:<stack>`. */
export const TEMPLATE_PREFIX = "example:";

/**
 * The stacks the templates stand for, as config files to synthesize: the example as a production stack on
 * its default platform (ECS Express Mode) and on App Runner, and the example bootstrap stack. The
 * committed configs cover neither platform variant nor the templates, so a refactor could change them
 * unseen. Returns the file names written (a ref without a template writes fewer).
 */
export function writeTemplateConfigs(configDir: string, target: string): string[] {
  const read = (name: string): { trackgraph: Record<string, unknown> } | undefined => {
    const file = join(configDir, name);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  };
  const files: Record<string, unknown> = {};
  const example = read("example.json");
  if (example !== undefined) {
    files["prod.json"] = example;
    const backend = (example.trackgraph.backend ?? {}) as Record<string, unknown>;
    files["prodrunner.json"] = {
      trackgraph: { ...example.trackgraph, backend: { ...backend, platform: "app-runner" } },
    };
  }
  const bootstrap = read("example-bootstrap.json");
  if (bootstrap !== undefined) files["prodbootstrap.json"] = bootstrap;
  mkdirSync(target, { recursive: true });
  for (const [name, json] of Object.entries(files)) writeFileSync(join(target, name), JSON.stringify(json));
  return Object.keys(files).sort();
}

/** The template file a failed synth's stderr names as an invalid config (`<dir>/<file>: ...`), if any. */
export function refusedTemplate(stderr: string, dir: string, files: readonly string[]): string | undefined {
  return files.find((name) => stderr.includes(`${join(dir, name)}: `));
}

/** The stacks of both runs in one map; the templates' under {@link TEMPLATE_PREFIX}. */
function mergeStacks(committed: Map<string, StackJson>, templates: Map<string, StackJson>) {
  const all = new Map(committed);
  for (const [name, json] of templates) all.set(`${TEMPLATE_PREFIX}${name}`, json);
  return all;
}

/**
 * Builds the infra app in `checkout` and synthesizes every committed stack, then the templates'
 * stacks ({@link writeTemplateConfigs}) with the same build, each into its own folder under `work`.
 */
async function synthIn(
  checkout: string,
  work: string,
  log: (line: string) => void,
): Promise<Map<string, StackJson>> {
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    TURBO_TELEMETRY_DISABLED: "1",
    TRACKGRAPH_STACK: "",
  };
  mkdirSync(work, { recursive: true });
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
  const app = join(checkout, "apps", "infra", "dist", "main.js");
  const committedOut = join(work, "committed");
  await run(process.execPath, [app], {
    cwd: checkout,
    env: { ...env, CDKTF_OUTDIR: committedOut, TRACKGRAPH_CONFIG_DIR: undefined },
    maxBuffer: 64 << 20,
  });
  const templatesDir = join(work, "template-configs");
  const templatesOut = join(work, "templates");
  let templates = writeTemplateConfigs(join(checkout, "apps", "infra", "config"), templatesDir);
  while (templates.length > 0) {
    try {
      await run(process.execPath, [app], {
        cwd: checkout,
        env: { ...env, CDKTF_OUTDIR: templatesOut, TRACKGRAPH_CONFIG_DIR: templatesDir },
        maxBuffer: 64 << 20,
      });
      break;
    } catch (error) {
      // An older ref's schema may refuse a variant (App Runner before `backend` existed): leave it out.
      const refused = refusedTemplate(
        String((error as { stderr?: unknown }).stderr ?? ""),
        templatesDir,
        templates,
      );
      if (refused === undefined) throw error;
      log(`${refused}: refused by this ref's config schema, compared without it`);
      rmSync(join(templatesDir, refused));
      templates = templates.filter((name) => name !== refused);
    }
  }
  return mergeStacks(readStacks(committedOut), readStacks(templatesOut));
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
  try {
    await run("git", ["worktree", "add", "--detach", checkout, commit], { cwd: repo });
    if (!existsSync(join(checkout, "apps", "infra", "package.json"))) return new Map();
    log(`installing ${ref} (offline when the store has every package)`);
    await run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=silent"], {
      cwd: checkout,
      maxBuffer: 64 << 20,
    });
    return await synthIn(checkout, join(work, "out"), log);
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
  const work = mkdtempSync(join(tmpdir(), "infra-diff-head-"));
  try {
    return await synthIn(repo, work, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
