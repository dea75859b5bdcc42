import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  entry: ["src/index.ts", "src/cli.ts", "src/duckdb.ts"],
  dts: { entry: ["src/index.ts", "src/duckdb.ts"] },
});
