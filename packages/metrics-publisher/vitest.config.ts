import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // The retry tests wait out the SDK's real, random throttling backoff (up to ~1.5 s): room for a
    // loaded machine on top of it.
    testTimeout: 30_000,
  },
});
