import { register } from "node:module";
import { ConfigurationError } from "./config.js";
import { startTelemetry, type Telemetry } from "./telemetry.js";

/**
 * `node --import @trackgraph/otel-bootstrap/register app.js`: installs OpenTelemetry's ESM loader hook
 * (ES modules such as the AWS SDK's ESM build can only be patched through it), starts telemetry before the
 * app loads, and flushes on SIGTERM (App Runner and ECS stop containers with it) before the process exits.
 * A bad setting stops the process before the app loads: one line on stderr naming the variable, exit code 1
 * (an error thrown from an --import module would print a stack trace and Node's banner).
 */
register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
let telemetry: Telemetry;
try {
  telemetry = startTelemetry();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`otel-bootstrap: ${error.message}\n`);
  process.exit(1);
}
let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (signalled) return;
    signalled = true;
    telemetry.shutdown().finally(() => process.kill(process.pid, signal));
  });
}
