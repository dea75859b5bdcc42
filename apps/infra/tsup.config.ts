import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts", "checkov-cli": "src/checkov-cli.ts", "infra-diff": "src/diff/cli.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  // cdktf, constructs and the provider stay in node_modules: one instance of each, loaded lazily by deep import.
  external: [/^cdktf/, /^constructs/, /^@cdktf\//, /^@trackgraph\//],
});
