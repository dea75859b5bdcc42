import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // Each file starts its own moto server; one at a time keeps a 2-core machine's timings honest.
    fileParallelism: false,
    hookTimeout: 600_000,
    testTimeout: 120_000,
  },
});
