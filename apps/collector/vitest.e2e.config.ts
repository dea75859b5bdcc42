import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // A cold collector build downloads and compiles the components (minutes); later runs reuse it.
    hookTimeout: 1_800_000,
    testTimeout: 120_000,
  },
});
