import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { z } from "zod";
import {
  FORCE_DESTROY_DEPRECATION,
  MAX_STACK_PREFIX,
  stackFileSchema,
  type TrackgraphConfig,
} from "./schema.js";

/** A stack file could not be read or does not match the schema. The message names file, key and value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface StackConfig {
  /** Stack name: the config file's name without `.json`. */
  stack: string;
  file: string;
  config: TrackgraphConfig;
}

/** Files in the config folder that are templates, not stacks (the deploy command reads the same rule). */
const isTemplate = (name: string) => name.startsWith("example");
const STACK_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** `<environment>-dashboards` is the dashboards stack the app adds to every environment stack. */
export const DASHBOARDS_SUFFIX = "-dashboards";

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Zod's type names, as a config's reader says them. */
const TYPE_NAMES: Record<string, string> = {
  int: "a whole number",
  array: "a list",
  object: "an object",
  record: "an object",
  boolean: "true or false",
};

/** Zod's own messages start so; the schema's messages (say what is expected) are used as they are. */
const ZOD_DEFAULT = /^(Invalid input|Too small|Too big|Invalid option)/;

/** What a key expected, in the words of the error line ("got 42, expected a string"). */
function expectation(issue: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  const bound = (kind: string, limit: unknown, origin: unknown) =>
    origin === "string" && kind === "at least" && limit === 1
      ? "a non-empty string"
      : origin === "string"
        ? `a string of ${kind} ${String(limit)} characters`
        : origin === "array"
          ? `${kind} ${String(limit)} ${limit === 1 ? "item" : "items"}`
          : `a number ${kind} ${String(limit)}`;
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
    case "too_small":
      return bound(issue.inclusive === false ? "more than" : "at least", issue.minimum, issue.origin);
    case "too_big":
      return bound(issue.inclusive === false ? "less than" : "at most", issue.maximum, issue.origin);
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

function formatIssues(file: string, raw: unknown, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(root)";
    if (issue.code === "unrecognized_keys") {
      return `  ${path}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    if (issue.code === "invalid_key") {
      const key = String(issue.path.at(-1));
      return `  ${path}: key "${key}" not allowed, expected ${issue.issues[0]?.message ?? issue.message}`;
    }
    return `  ${path}: got ${describeValue(valueAt(raw, issue.path))}, expected ${expectation(issue)}`;
  });
  return `${file}: invalid stack config\n${lines.join("\n")}`;
}

/** Whether a (valid) stack file still names `disposable` by its old key. */
function usesOldDisposableKey(raw: unknown): boolean {
  const trackgraph = (raw as { trackgraph?: Record<string, unknown> }).trackgraph;
  return trackgraph?.forceDestroyBuckets !== undefined;
}

/** Deeper than any stack config goes; deeper input would overflow the validator's recursion. */
const MAX_DEPTH = 32;

/** The path of the first value nested deeper than {@link MAX_DEPTH}, found without recursion. */
function tooDeep(root: unknown): string | undefined {
  const stack: Array<[unknown, string, number]> = [[root, "(root)", 0]];
  while (stack.length > 0) {
    const [node, path, depth] = stack.pop() as [unknown, string, number];
    if (node === null || typeof node !== "object") continue;
    if (depth >= MAX_DEPTH) return path;
    for (const [key, value] of Object.entries(node)) stack.push([value, `${path}.${key}`, depth + 1]);
  }
  return undefined;
}

/**
 * Parses one stack file's content; production defaults fill every key it leaves out. With `stack`, also
 * checks that the names derived from project and stack fit AWS's limits.
 */
export function parseStackConfig(
  file: string,
  text: string,
  stack?: string,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): TrackgraphConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const deep = tooDeep(raw);
  if (deep !== undefined) {
    throw new ConfigError(`${file}: nested deeper than ${MAX_DEPTH} levels at ${deep} (no stack config is)`);
  }
  const result = stackFileSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(file, raw, result.error));
  const config = result.data.trackgraph;
  if (usesOldDisposableKey(raw)) warn(`${file}: ${FORCE_DESTROY_DEPRECATION}`);
  const prefix = `${config.project}-${stack}`;
  if (stack !== undefined && prefix.length > MAX_STACK_PREFIX) {
    throw new ConfigError(
      `${file}: stack name "${stack}" is too long for project "${config.project}": "${prefix}" has ${prefix.length} characters, at most ${MAX_STACK_PREFIX} keep IAM role names within 64`,
    );
  }
  return config;
}

export function loadStackConfig(file: string): StackConfig {
  const stack = basename(file, ".json");
  if (!STACK_NAME.test(stack)) {
    throw new ConfigError(`${file}: a stack file name must be lower-case letters, digits and dashes`);
  }
  if (stack.endsWith(DASHBOARDS_SUFFIX)) {
    throw new ConfigError(
      `${file}: stack names ending in "${DASHBOARDS_SUFFIX}" are taken by each environment's dashboards stack (${stack.slice(0, -DASHBOARDS_SUFFIX.length)}'s would be ${stack})`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { stack, file, config: parseStackConfig(file, text, stack) };
}

/**
 * Every stack in the config folder, or only `only` when given; for `<environment>-dashboards`, the
 * environment's (the app adds the dashboards stack). An unknown name is an error.
 */
export function loadStackConfigs(dir: string, only?: string): StackConfig[] {
  const files = stackFiles(dir);
  if (only !== undefined) {
    // `<environment>-dashboards` is synthesized with its environment stack, whose config it reads.
    const environment = only.endsWith(DASHBOARDS_SUFFIX) ? only.slice(0, -DASHBOARDS_SUFFIX.length) : only;
    if (!STACK_NAME.test(environment)) {
      throw new ConfigError(
        `stack "${only}" is not a stack name (lower-case letters, digits and dashes, as its config file in ${dir} is named)`,
      );
    }
    const name = `${environment}.json`;
    if (!files.includes(name)) {
      throw new ConfigError(
        `stack "${only}" has no config file ${join(dir, name)} (known: ${files.map((f) => basename(f, ".json")).join(", ")})`,
      );
    }
    return [loadStackConfig(join(dir, name))];
  }
  if (files.length === 0) {
    // A mistyped folder must not synthesize nothing and call it done (a full synth then clears cdktf.out).
    throw new ConfigError(
      `${dir}: no stack config in this folder (a <stack>.json; example*.json are templates)`,
    );
  }
  return files.map((name) => loadStackConfig(join(dir, name)));
}

/** The stack files of the config folder, sorted; a folder that is missing or no folder is a ConfigError. */
function stackFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "not a folder" : `cannot read (${code})`;
    throw new ConfigError(`${dir}: ${what}; the stack configs are read from here (TRACKGRAPH_CONFIG_DIR)`);
  }
  return names.filter((name) => name.endsWith(".json") && !isTemplate(name)).sort();
}

/**
 * The bootstrap stacks of the config folder, whatever else it holds: an environment's deploy.json names
 * its bootstrap, and synthesizing one environment must not fail on another environment's file.
 */
export function loadBootstrapConfigs(dir: string): StackConfig[] {
  return stackFiles(dir)
    .filter((name) => {
      try {
        const raw = JSON.parse(readFileSync(join(dir, name), "utf8")) as { trackgraph?: { kind?: unknown } };
        return raw.trackgraph?.kind === "bootstrap";
      } catch {
        return false; // not JSON: not a bootstrap stack this synth needs (its own synth says what is wrong)
      }
    })
    .map((name) => loadStackConfig(join(dir, name)));
}
