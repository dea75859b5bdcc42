import { defineConfig } from "tsup";

export default defineConfig({
  // Not bundled: the OpenTelemetry instrumentations patch the AWS SDK and node:http as they are imported.
  entry: { server: "src/server.ts", history: "src/history.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
});
