import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // The first run installs moto into .cache/peers; later runs reuse it.
    hookTimeout: 600_000,
    testTimeout: 180_000,
    fileParallelism: false,
  },
});
