#!/usr/bin/env node
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { allDashboards } from "./catalog.js";
import { type DashboardContext, EXAMPLE_CONTEXT } from "./context.js";
import { ruleGroups, rulesYaml } from "./rules.js";
import { DEFAULT_RUNBOOK_BASE } from "./runbooks.js";

/**
 * `pnpm dashboards:export [--out DIR] [--region R] [--distribution ID] [--function NAME] [--queue NAME]
 * [--environment ENV] [--runbook-base URL]`: writes every dashboard as Grafana JSON (importable as is; the
 * variables hold the stack's names) and the Prometheus rule file (each alert's `runbook_url` under the
 * base), for users who do not provision with Terraform.
 */
function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string", default: "dashboards" },
      region: { type: "string", default: EXAMPLE_CONTEXT.region },
      distribution: { type: "string", default: EXAMPLE_CONTEXT.distributionId },
      function: { type: "string", default: EXAMPLE_CONTEXT.logParserFunction },
      queue: { type: "string", default: EXAMPLE_CONTEXT.deadLetterQueue },
      environment: { type: "string", default: EXAMPLE_CONTEXT.environment },
      "runbook-base": { type: "string", default: DEFAULT_RUNBOOK_BASE },
    },
  });
  const context: DashboardContext = {
    region: values.region,
    distributionId: values.distribution,
    logParserFunction: values.function,
    deadLetterQueue: values.queue,
    environment: values.environment,
  };
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  mkdirSync(out, { recursive: true });
  for (const [file, dashboard] of Object.entries(allDashboards(context))) {
    writeFileSync(join(out, file), `${JSON.stringify(dashboard, null, 2)}\n`);
    process.stdout.write(`${join(out, file)}\n`);
  }
  writeFileSync(join(out, "rules.yaml"), rulesYaml(ruleGroups({ runbookBaseUrl: values["runbook-base"] })));
  process.stdout.write(`${join(out, "rules.yaml")}\n`);
}

main(process.argv.slice(2));
