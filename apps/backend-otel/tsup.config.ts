import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  // Not bundled: the OpenTelemetry instrumentations patch the AWS SDK and node:http as they are imported.
  entry: { server: "src/server.ts", history: "src/history.ts", env: "src/env.ts" },
  // The infra app and the local plane import the environment names.
  dts: { entry: { env: "src/env.ts" } },
});
