#!/usr/bin/env node
import { servePlane } from "@trackgraph/local-plane";
import { planeAlerting } from "./alerting.js";

/**
 * `pnpm plane`: the local plane with our alerting (the deployed rule file and Alertmanager definition,
 * production timings). It lives here, not in apps/local-plane, because @trackgraph/dashboards already
 * depends on the plane for its contract test.
 */
servePlane({ alerting: planeAlerting({ timings: "production" }) }).catch((error: unknown) => {
  process.stderr.write(`plane: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
