import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts", "src/checkov-cli.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  // cdktf, constructs and the provider stay in node_modules: one instance of each, loaded lazily by deep import.
  external: [/^cdktf/, /^constructs/, /^@cdktf\//, /^@trackgraph\//],
});
