import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    // The first run unpacks Debian's Alertmanager into .cache/peers; later runs reuse it.
    hookTimeout: 600_000,
    testTimeout: 60_000,
  },
});
