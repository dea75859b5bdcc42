import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    // What the Lambda runtime always provides; credentials are never used, every client is mocked.
    env: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "unit",
      AWS_SECRET_ACCESS_KEY: "unit",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    },
  },
});
