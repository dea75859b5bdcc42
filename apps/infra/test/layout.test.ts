import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");

/**
 * What each folder of src may import. Building blocks know nothing of TrackGraph; features compose
 * blocks; stacks read the config and compose features; the review tool stands apart from what is deployed
 * (it reads the checkov suppression format of the blocks, nothing else).
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  config: ["config"],
  blocks: ["blocks"],
  features: ["blocks", "features"],
  grafana: ["grafana"],
  stacks: ["config", "blocks", "features", "grafana", "stacks"],
  review: ["review", "blocks"],
  ".": ["config", "blocks", "features", "grafana", "stacks", "."],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The src folder a file is in (`.` for the entry points at the top). */
const folderOf = (file: string) => {
  const parts = relative(src, file).split("/");
  return parts.length === 1 ? "." : (parts[0] as string);
};

/** Every relative import of a file, as the src folder it lands in. */
function importedFolders(file: string, text: string): Array<{ spec: string; folder: string }> {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map(([, spec]) => ({
    spec: spec as string,
    folder: folderOf(resolve(dirname(file), spec as string)),
  }));
}

/** `file imports spec` for each import that goes up or sideways where its folder may not. */
function violations(files: ReadonlyArray<readonly [file: string, text: string]>): string[] {
  return files.flatMap(([file, text]) => {
    const allowed = MAY_IMPORT[folderOf(file)];
    if (allowed === undefined) return [`${relative(src, file)} is in a folder the layout does not know`];
    return importedFolders(file, text)
      .filter(({ folder }) => !allowed.includes(folder))
      .map(({ spec }) => `${relative(src, file)} imports ${spec}`);
  });
}

describe("the layout of src", () => {
  it("imports only downward: blocks only blocks, features only blocks and features (never the config)", () => {
    expect(violations(sourceFiles(src).map((file) => [file, readFileSync(file, "utf8")] as const))).toEqual(
      [],
    );
  });

  it("reports a block that imports a feature, and a feature that imports a stack", () => {
    const block = join(src, "blocks", "new-block.ts");
    const feature = join(src, "features", "new-feature.ts");
    expect(
      violations([
        [block, 'import { Storage } from "../features/storage.js";\nimport { x } from "./naming.js";'],
        [feature, 'import type { TrackgraphStack } from "../stacks/trackgraph-stack.js";'],
      ]),
    ).toEqual([
      "blocks/new-block.ts imports ../features/storage.js",
      "features/new-feature.ts imports ../stacks/trackgraph-stack.js",
    ]);
  });
});
