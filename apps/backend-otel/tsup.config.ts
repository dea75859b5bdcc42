import { defineConfig } from "tsup";

export default defineConfig({
  entry: { history: "src/history.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
});
