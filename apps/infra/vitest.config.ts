import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // Synthesizing stacks takes a few hundred milliseconds each; the tests that run the built app (two
    // full synths) took 20 s of 30 on a loaded 2-core machine, so they get room: a guard against hangs.
    testTimeout: 90_000,
  },
});
