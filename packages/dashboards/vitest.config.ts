import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // The export CLI's tests start node twice (0.4 s each alone): 5 s, the default, ran out on a loaded
    // 2-core CI machine. A ceiling for hangs, not a speed claim.
    testTimeout: 30_000,
  },
});
