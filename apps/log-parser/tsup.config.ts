import { defineConfig } from "tsup";

export default defineConfig({
  entry: { "object-refs": "src/object-refs.ts", metrics: "src/metrics.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
});
