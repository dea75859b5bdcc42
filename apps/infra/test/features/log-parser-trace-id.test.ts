import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { resources, synthStack } from "../synth.js";

// The log parser logs with Powertools Logger, whose JSON lines carry `xray_trace_id` (read from the
// `_X_AMZN_TRACE_ID` Lambda sets on traced invocations): the field CloudWatch and X-Ray join on.
describe("the log parser's log lines keep Powertools' trace id field", () => {
  it("ships Powertools' formatter, which writes xray_trace_id", () => {
    // The bundle the Lambda zip is made of, where the package's `./lambda` export points.
    const manifest = createRequire(import.meta.url).resolve("@trackgraph/log-parser/package.json");
    const exports = JSON.parse(readFileSync(manifest, "utf8")).exports as Record<string, { import: string }>;
    const bundle = join(dirname(manifest), exports["./lambda"]?.import ?? "missing");
    expect(readFileSync(bundle, "utf8")).toMatch(/\bxray_trace_id: attributes\.xRayTraceId\b/);
  });

  it("runs traced (so the id is set) with JSON logs, as the Powertools service it names", () => {
    const [fn] = resources(synthStack().json, "aws_lambda_function") as Array<{
      tracing_config: { mode: string };
      logging_config: { log_format: string };
      environment: { variables: Record<string, string> };
    }>;
    expect(fn?.tracing_config.mode).toBe("Active");
    expect(fn?.logging_config.log_format).toBe("JSON");
    expect(fn?.environment.variables.POWERTOOLS_SERVICE_NAME).toBe("log-parser");
  });
});
