import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // The query CLI's tests start DuckDB (0.6 s alone) and the property tests' time varies with their
    // inputs: 5 s, the default, ran out on a loaded 2-core CI machine. A ceiling for hangs only.
    testTimeout: 30_000,
  },
});
