#!/usr/bin/env node
import { servePlane } from "./serve.js";

/** The plane without alerting; `pnpm plane` runs apps/validate's variant, which loads our rules. */
servePlane().catch((error: unknown) => {
  process.stderr.write(`plane: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
