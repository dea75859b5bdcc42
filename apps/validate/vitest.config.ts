import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // Tests that start the built CLI or a node process took 2.5-4 s each in a loaded CI run (the AWS SDK
    // and OpenTelemetry imports); 5 s, the default, ran out. A ceiling for hangs, not a speed claim.
    testTimeout: 30_000,
  },
});
