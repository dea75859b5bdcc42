import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseStackConfig } from "../src/config/load.js";
import type { TrackgraphConfigInput } from "../src/config/schema.js";
import { BootstrapStack } from "../src/stacks/bootstrap-stack.js";
import { TrackgraphStack } from "../src/stacks/trackgraph-stack.js";

export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
  provider: Record<string, Array<Record<string, unknown>>>;
  terraform: Record<string, unknown>;
};

/** A stand-in for the Lambda zip: the stack only needs a file to hash and copy. */
export const zipPath = join(mkdtempSync(join(tmpdir(), "infra-test-")), "log-parser.zip");
writeFileSync(zipPath, "not really a zip");

/** What synth hands every environment stack: the Lambda zip stand-in and fixed image tags. */
export const artifacts = {
  logParserZip: zipPath,
  imageTags: {
    backend: "src-backend0000000000000",
    proxy: "src-proxy00000000000000",
    scraper: "src-scraper000000000000",
  },
};

/** Synthesizes the bootstrap stack from config overrides. */
export function synthBootstrap(overrides: TrackgraphConfigInput = {}): TerraformJson {
  const config = parseStackConfig(
    "bootstrap.json",
    JSON.stringify({
      trackgraph: { kind: "bootstrap", github: { repository: "acme/trackgraph" }, ...overrides },
    }),
  );
  const stack = new BootstrapStack(Testing.app(), { stackName: "bootstrap", config });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** Every IAM policy document of a stack, by logical id, as synthesized. */
export function policyDocuments(json: TerraformJson): Record<string, { statement: PolicyStatementJson[] }> {
  return (json.data.aws_iam_policy_document ?? {}) as Record<string, { statement: PolicyStatementJson[] }>;
}

export interface PolicyStatementJson {
  sid: string;
  effect: string;
  actions: string[];
  not_actions?: string[];
  resources?: string[];
  not_resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
  condition?: Array<{ test: string; variable: string; values: string[] }>;
}

/** Synthesizes one TrackGraph stack from config overrides, as `pnpm synth` would. */
export function synthStack(
  overrides: TrackgraphConfigInput = {},
  stackName = "test",
): { json: TerraformJson; text: string } {
  const config = parseStackConfig(`${stackName}.json`, JSON.stringify({ trackgraph: overrides }));
  const app = Testing.app();
  const stack = new TrackgraphStack(app, { stackName, config, artifacts });
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text) as TerraformJson, text };
}

/** Every resource of a type, keyed by its logical id. */
export function resources(json: TerraformJson, type: string): Array<Record<string, unknown>> {
  return Object.values(json.resource[type] ?? {});
}

/**
 * The single resource of a type at a construct path (below the stack). cdktf's logical id is that path
 * joined with "_" and a hash suffix; Testing.synth drops the "//" metadata, so the id is what there is.
 */
export function resourceAt(json: TerraformJson, type: string, path: string): Record<string, unknown> {
  return json.resource[type]?.[logicalIdAt(json, type, path)] as Record<string, unknown>;
}

/** The logical id of the one resource of `type` at `path` (cdktf drops repeated adjacent path segments). */
export function logicalIdAt(json: TerraformJson, type: string, path: string): string {
  const wanted = path
    .split("/")
    .filter((part, i, all) => part !== all[i - 1])
    .join("_");
  const found = Object.keys(json.resource[type] ?? {}).filter(
    (id) => id.replace(/_[0-9A-F]{8}$/, "") === wanted,
  );
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0] as string;
}

/** A Terraform reference to an attribute of the resource at `path`, as it appears in synthesized JSON. */
export function refAt(json: TerraformJson, type: string, path: string, attribute: string): string {
  return `\${${type}.${logicalIdAt(json, type, path)}.${attribute}}`;
}
