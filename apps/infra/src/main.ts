import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { argumentProblem } from "@trackgraph/cli-args";
import { TerraformStack } from "cdktf";
import { buildApp } from "./app.js";
import { ConfigError, loadBootstrapConfigs, loadStackConfigs } from "./config/load.js";
import { bootstrapFor, deployManifest } from "./stacks/deploy-manifest.js";
import { contextTag, IMAGE_CONTEXTS, IMAGE_ROLES, type ImageRole } from "./stacks/images.js";
import { TrackgraphStack } from "./stacks/trackgraph-stack.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Synthesizes the configured stacks. `--stack NAME` or TRACKGRAPH_STACK picks one; all otherwise.
 * The cdktf CLI sets CDKTF_OUTDIR; run directly, the output goes to cdktf.out at the repository root.
 */
function main(argv: string[]): number {
  // `pnpm synth -- --stack x` hands the `--` on (pnpm 10); it separates pnpm's options, not ours.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({ args, options: { stack: { type: "string" } }, strict: true });
  // An empty --stack ("$STACK" unset) must not mean every stack, and a full synth's cleanup with it.
  if (values.stack === "") throw new SynthUsageError("--stack needs a stack name, not an empty one");
  const only = values.stack ?? process.env.TRACKGRAPH_STACK;
  const outdir = process.env.CDKTF_OUTDIR ?? here("../../../cdktf.out");
  const started = performance.now();
  const configDir = process.env.TRACKGRAPH_CONFIG_DIR ?? here("../config");
  const stacks = loadStackConfigs(configDir, only === "" ? undefined : only);
  const logParserZip = here("../../log-parser/dist/log-parser.zip");
  if (!existsSync(logParserZip)) {
    throw new ConfigError(
      `${logParserZip} is missing: build it with \`pnpm build\` (pnpm synth builds it first)`,
    );
  }
  const imageTags = {} as Record<ImageRole, string>;
  for (const role of IMAGE_ROLES) {
    const context = here(`../../../${IMAGE_CONTEXTS[role]}`);
    if (!existsSync(context)) {
      throw new ConfigError(
        `${context} is missing: build the image contexts with \`pnpm turbo run container\` (pnpm synth builds them first)`,
      );
    }
    imageTags[role] = contextTag(context);
  }
  const app = buildApp({ outdir, stacks, artifacts: { logParserZip, imageTags } });
  app.synth();
  const names = app.node.children.filter((c) => TerraformStack.isStack(c)).map((c) => c.node.id);
  if (only === undefined || only === "") removeStaleStacks(join(outdir, "stacks"), new Set(names));
  // The bootstrap configs too, not only the one synthesized: an environment's deploy needs their names.
  const allConfigs = only === undefined || only === "" ? stacks : loadBootstrapConfigs(configDir);
  for (const stack of app.node.children.filter((c) => c instanceof TrackgraphStack)) {
    const config = stacks.find((s) => s.stack === stack.node.id)?.config;
    if (config === undefined) continue;
    const manifest = deployManifest(stack.node.id, stack, config, bootstrapFor(config, allConfigs));
    writeFileSync(
      join(outdir, "stacks", stack.node.id, "deploy.json"),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
  }
  const ms = (performance.now() - started).toFixed(0);
  process.stderr.write(`synthesized ${names.join(", ")} into ${outdir} in ${ms} ms\n`);
  return 0;
}

/**
 * A full synth leaves only the stacks configured now: a stack whose config was removed would otherwise
 * stay in cdktf.out and be checked (checkov) or deployed as if it were current.
 */
function removeStaleStacks(stacksDir: string, current: Set<string>): void {
  if (!existsSync(stacksDir)) return;
  for (const name of readdirSync(stacksDir)) {
    if (!current.has(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
  }
}

const USAGE = "usage: pnpm synth [-- --stack NAME]";

/** A command line synth cannot take: one line and the usage, exit 2. */
class SynthUsageError extends Error {
  override readonly name = "SynthUsageError";
}

/** A command line synth refuses (ours, or util.parseArgs's), as one line. */
function usageError(error: unknown, argv: readonly string[]): string | undefined {
  if (error instanceof SynthUsageError) return error.message;
  return argumentProblem(error, argv)?.text;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const usage = usageError(error, process.argv.slice(2));
  if (usage !== undefined) {
    process.stderr.write(`synth: ${usage} (${USAGE})\n`);
    process.exitCode = 2;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
