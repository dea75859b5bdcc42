import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  entry: ["src/index.ts", "src/export-cli.ts"],
  dts: { entry: "src/index.ts" },
});
