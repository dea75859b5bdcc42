import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // One file at a time: the zip test rebuilds dist/ while the pipeline tests run dist/invoke.js.
    fileParallelism: false,
    hookTimeout: 600_000,
    testTimeout: 180_000,
    env: { POWERTOOLS_LOG_LEVEL: "WARN" },
  },
});
