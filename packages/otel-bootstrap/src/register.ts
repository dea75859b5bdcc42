import { startTelemetry } from "./telemetry.js";

/**
 * `node --import @trackgraph/otel-bootstrap/register app.js`: starts telemetry before the app loads, and
 * flushes on SIGTERM (App Runner and ECS stop containers with it) before the process exits.
 */
const telemetry = startTelemetry();
let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (signalled) return;
    signalled = true;
    telemetry.shutdown().finally(() => process.kill(process.pid, signal));
  });
}
