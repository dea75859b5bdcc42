import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  dts: { entry: { index: "src/index.ts" } },
});
