import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // A deploy test starts some twenty fake programs (node processes); a busy 2-core machine needs more than 5 s.
    testTimeout: 30_000,
  },
});
