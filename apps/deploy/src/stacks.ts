import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository's folders the deploy reads: the stack configs and the synthesized stacks. */
export class Layout {
  constructor(readonly root: string) {}

  get configDir(): string {
    return join(this.root, "apps/infra/config");
  }

  /** `cdktf.out/stacks/<stack>`, relative to the root (as commands are printed and run from it). */
  stackDir(stack: string): string {
    return join("cdktf.out/stacks", stack);
  }

  manifestFile(stack: string): string {
    return join(this.stackDir(stack), "deploy.json");
  }

  /** An absolute path from one relative to the root. */
  abs(path: string): string {
    return join(this.root, path);
  }

  rel(path: string): string {
    return relative(this.root, path) || ".";
  }
}

export const DASHBOARDS_SUFFIX = "-dashboards";

/** What `--stack NAME` names, from the config folder alone (nothing is built to find out). */
export type StackTarget =
  | { kind: "environment"; stack: string }
  | { kind: "dashboards"; stack: string; environment: string }
  | { kind: "bootstrap"; stack: string };

/** `--stack` names no configured stack. The CLI exits 2 with this one line. */
export class UnknownStack extends Error {
  override readonly name = "UnknownStack";
}

/** The stacks configured in `apps/infra/config` (`example*.json` are examples, not stacks). */
export function configuredStacks(layout: Layout): string[] {
  if (!existsSync(layout.configDir)) return [];
  return readdirSync(layout.configDir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("example"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

function configKind(layout: Layout, stack: string): "environment" | "bootstrap" {
  try {
    const raw = JSON.parse(readFileSync(join(layout.configDir, `${stack}.json`), "utf8")) as {
      trackgraph?: { kind?: unknown };
    };
    return raw.trackgraph?.kind === "bootstrap" ? "bootstrap" : "environment";
  } catch {
    // An unreadable config is synth's to report, with its file and key.
    return "environment";
  }
}

/** Resolves `--stack NAME`; throws UnknownStack naming the configured stacks. */
export function resolveStack(layout: Layout, name: string): StackTarget {
  const stacks = configuredStacks(layout);
  const known = () =>
    stacks.length === 0
      ? `no stack is configured in ${layout.rel(layout.configDir)}`
      : `known: ${stacks.flatMap((s) => (configKind(layout, s) === "bootstrap" ? [s] : [s, `${s}${DASHBOARDS_SUFFIX}`])).join(", ")}`;
  if (stacks.includes(name)) {
    return configKind(layout, name) === "bootstrap"
      ? { kind: "bootstrap", stack: name }
      : { kind: "environment", stack: name };
  }
  if (name.endsWith(DASHBOARDS_SUFFIX)) {
    const environment = name.slice(0, -DASHBOARDS_SUFFIX.length);
    if (stacks.includes(environment) && configKind(layout, environment) === "environment")
      return { kind: "dashboards", stack: name, environment };
  }
  throw new UnknownStack(
    `unknown stack "${name}": no ${layout.rel(join(layout.configDir, `${name}.json`))} (${known()})`,
  );
}

/** Region and pinned account of a synthesized stack's AWS provider (for stacks without deploy.json). */
export function providerOf(
  layout: Layout,
  stack: string,
): { region: string | undefined; accountId: string | undefined } {
  const file = join(layout.stackDir(stack), "cdk.tf.json");
  let json: { provider?: { aws?: { alias?: string; region?: string; allowed_account_ids?: string[] }[] } };
  try {
    json = JSON.parse(readFileSync(layout.abs(file), "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT"
        ? `${file}: missing (synth writes it; run without --no-synth, or \`pnpm synth\`)`
        : `${file}: cannot read (${code ?? (error as Error).message})`,
    );
  }
  const aws = json.provider?.aws?.find((p) => p.alias === undefined) ?? json.provider?.aws?.[0];
  return { region: aws?.region, accountId: aws?.allowed_account_ids?.[0] };
}
