import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    hookTimeout: 600_000,
    testTimeout: 120_000,
  },
});
