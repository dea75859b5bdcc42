import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

const esmRequireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export default defineConfig([
  {
    // The Lambda: one self-contained ESM file (every dependency bundled, pinned versions included).
    entry: { index: "src/handler.ts" },
    outDir: "dist/lambda",
    format: ["esm"],
    outExtension: () => ({ js: ".mjs" }),
    target: "node22",
    platform: "node",
    noExternal: [/.*/],
    // Some bundled CommonJS dependencies call require(); ESM has none of its own.
    banner: { js: esmRequireShim },
    // One file: the zip holds exactly index.mjs, so the SDK's lazy imports must be inlined, not split off.
    splitting: false,
    treeshake: true,
    clean: true,
  },
  {
    ...nodeBuild,
    // The Lambda's build above empties dist/lambda; this one must not empty dist/ after it.
    clean: false,
    entry: { invoke: "src/invoke.ts", metrics: "src/metrics.ts", "object-refs": "src/object-refs.ts" },
    outDir: "dist",
    // Other workspaces (the dashboards' contract test) import the documented metric list.
    dts: { entry: { metrics: "src/metrics.ts" } },
  },
]);
