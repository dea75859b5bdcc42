#!/usr/bin/env node
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { argumentProblem } from "@trackgraph/cli-args";
import { allDashboards } from "./catalog.js";
import { type DashboardContext, EXAMPLE_CONTEXT } from "./context.js";
import { ruleGroups, rulesYaml } from "./rules.js";
import { DEFAULT_RUNBOOK_BASE } from "./runbooks.js";

/**
 * `pnpm dashboards:export --out DIR [--region R] [--distribution ID] [--function NAME] [--queue NAME]
 * [--environment ENV] [--runbook-base URL]`: writes every dashboard as Grafana JSON (importable as is; the
 * variables hold the stack's names) and the Prometheus rule file (each alert's `runbook_url` under the
 * base), for users who do not provision with Terraform.
 */
const USAGE =
  "usage: pnpm dashboards:export --out DIR [--region R] [--distribution ID] [--function NAME] [--queue NAME] [--environment ENV] [--runbook-base URL]";

/** What each option that lands in a dashboard variable or a link may hold: AWS's own name rules. */
const FORMS: Record<string, { test: (value: string) => boolean; expected: string }> = {
  region: { test: (v) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(v), expected: "an AWS region such as eu-west-1" },
  distribution: {
    test: (v) => /^[A-Z0-9]{1,32}$/.test(v),
    expected: "a CloudFront distribution id (A-Z, 0-9)",
  },
  function: {
    test: (v) => /^[A-Za-z0-9_-]{1,64}$/.test(v),
    expected: "a Lambda function name (letters, digits, - and _, at most 64)",
  },
  queue: {
    test: (v) => /^[A-Za-z0-9_-]+(\.fifo)?$/.test(v) && v.length <= 80,
    expected: "an SQS queue name (letters, digits, - and _, at most 80)",
  },
  environment: { test: (v) => /^[a-z][a-z0-9-]{0,30}$/.test(v), expected: "a stack name (a-z, 0-9 and -)" },
  "runbook-base": {
    // It lands in every alert's runbook_url, a link: http(s) or a path in the repository, nothing else.
    test: (v) => (/^https?:\/\/\S+$/.test(v) && URL.canParse(v)) || /^[\w./-]+$/.test(v),
    expected: "an http(s) URL or a repository path",
  },
};

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: "boolean", short: "h" },
      out: { type: "string" },
      region: { type: "string", default: EXAMPLE_CONTEXT.region },
      distribution: { type: "string", default: EXAMPLE_CONTEXT.distributionId },
      function: { type: "string", default: EXAMPLE_CONTEXT.logParserFunction },
      queue: { type: "string", default: EXAMPLE_CONTEXT.deadLetterQueue },
      environment: { type: "string", default: EXAMPLE_CONTEXT.environment },
      "runbook-base": { type: "string", default: DEFAULT_RUNBOOK_BASE },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // No default folder: one would land wherever the command ran, the repository root included.
  // An empty --out ("$DIR" unset) would resolve to the folder the command ran in.
  if (values.out === undefined || values.out === "") throw new UsageError("--out DIR is required");
  for (const [option, form] of Object.entries(FORMS)) {
    const value = values[option as keyof typeof values];
    if (typeof value === "string" && !form.test(value))
      throw new UsageError(`--${option} ${JSON.stringify(value)}: expected ${form.expected}`);
  }
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

/** A missing or malformed option, said in one line with the usage (exit 2), before anything is written. */
class UsageError extends Error {
  override readonly name = "UsageError";
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
  const problem = argumentProblem(error, process.argv.slice(2));
  process.stderr.write(`dashboards:export: ${problem?.text ?? message}\n`);
  if (error instanceof UsageError || problem !== undefined) process.stderr.write(`${USAGE}\n`);
  const usage = error instanceof OutError || error instanceof UsageError || problem !== undefined;
  process.exitCode = usage ? 2 : 1;
}
