import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  entry: { index: "src/index.ts" },
  dts: true,
});
