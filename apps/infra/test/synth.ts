import { Testing } from "cdktf";
import { parseStackConfig } from "../src/config/load.js";
import type { TrackgraphConfigInput } from "../src/config/schema.js";
import { TrackgraphStack } from "../src/stacks/trackgraph-stack.js";

export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
  provider: Record<string, Array<Record<string, unknown>>>;
  terraform: Record<string, unknown>;
};

/** Synthesizes one TrackGraph stack from config overrides, as `pnpm synth` would. */
export function synthStack(
  overrides: TrackgraphConfigInput = {},
  stackName = "test",
): { json: TerraformJson; text: string } {
  const config = parseStackConfig(`${stackName}.json`, JSON.stringify({ trackgraph: overrides }));
  const app = Testing.app();
  const stack = new TrackgraphStack(app, { stackName, config });
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text) as TerraformJson, text };
}

/** Every resource of a type, keyed by its logical id. */
export function resources(json: TerraformJson, type: string): Array<Record<string, unknown>> {
  return Object.values(json.resource[type] ?? {});
}

/** The single resource of a type whose metadata path ends with `pathSuffix`. */
export function resourceAt(json: TerraformJson, type: string, pathSuffix: string): Record<string, unknown> {
  const found = Object.values(json.resource[type] ?? {}).filter((r) =>
    String((r["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? "").endsWith(
      pathSuffix,
    ),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} at */${pathSuffix}, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}
