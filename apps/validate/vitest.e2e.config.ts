import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // Each file starts a whole plane; one at a time keeps a 2-core machine's timings honest.
    fileParallelism: false,
    hookTimeout: 1_800_000,
    testTimeout: 180_000,
  },
});
