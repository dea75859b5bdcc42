#!/usr/bin/env node
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
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
  const files: Record<string, string> = {};
  for (const [file, dashboard] of Object.entries(allDashboards(context))) {
    files[file] = `${JSON.stringify(dashboard, null, 2)}\n`;
  }
  files["rules.yaml"] = rulesYaml(ruleGroups({ runbookBaseUrl: values["runbook-base"] }));
  for (const file of writeAll(out, files)) process.stdout.write(`${file}\n`);
}

/** A bad --out, said in one line (exit 2), with nothing written. */
class OutError extends Error {
  override readonly name = "OutError";
}

/**
 * Writes every file into a folder made next to `out`, then moves them into `out`: a failure leaves no
 * half-written export. The parent must exist: a recursive mkdir never returned on paths such as /proc/x.
 */
function writeAll(out: string, files: Record<string, string>): string[] {
  const parent = dirname(out);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new OutError(`--out ${out}: ${parent} is not an existing folder`);
  }
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new OutError(`--out ${out}: a file is in the way`);
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(out)}-`));
  } catch (error) {
    throw new OutError(`--out ${out}: cannot write in ${parent} (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(staging, file), text);
    if (!existsSync(out)) renameSync(staging, out);
    else for (const file of Object.keys(files)) renameSync(join(staging, file), join(out, file));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return Object.keys(files).map((file) => join(out, file));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`dashboards:export: ${message}\n`);
  const usage =
    error instanceof OutError || String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
  process.exitCode = usage ? 2 : 1;
}
