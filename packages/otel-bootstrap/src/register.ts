import { register } from "node:module";
import { startTelemetry } from "./telemetry.js";

/**
 * `node --import @trackgraph/otel-bootstrap/register app.js`: installs OpenTelemetry's ESM loader hook
 * (ES modules such as the AWS SDK's ESM build can only be patched through it), starts telemetry before the
 * app loads, and flushes on SIGTERM (App Runner and ECS stop containers with it) before the process exits.
 */
register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
const telemetry = startTelemetry();
let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (signalled) return;
    signalled = true;
    telemetry.shutdown().finally(() => process.kill(process.pid, signal));
  });
}
