import { defineConfig } from "tsup";
import { nodeBuild } from "../../tsup.base.js";

export default defineConfig({
  ...nodeBuild,
  entry: {
    main: "src/main.ts",
    "checkov-cli": "src/review/checkov-cli.ts",
    "infra-diff": "src/review/cli.ts",
  },
  // cdktf, constructs and the provider stay in node_modules: one instance of each, loaded lazily by deep import.
  external: [/^cdktf/, /^constructs/, /^@cdktf\//, /^@trackgraph\//],
});
