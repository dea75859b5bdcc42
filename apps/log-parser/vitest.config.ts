import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // processObject over ~36k lines three times took 3.6 s of the default 5 on a loaded 2-core machine.
    testTimeout: 30_000,
    // What the Lambda runtime always provides; credentials are never used, every client is mocked.
    env: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "unit",
      AWS_SECRET_ACCESS_KEY: "unit",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    },
  },
});
