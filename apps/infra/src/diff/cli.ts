import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { toMarkdown } from "./markdown.js";
import { computeReview } from "./review.js";
import { InfraDiffError, synthAtRef, synthWorkingTree } from "./synth-ref.js";

const USAGE =
  "usage: pnpm infra:diff --base REF [--head REF] [--format markdown|json] [--out FILE] [--json-out FILE]";

/**
 * `pnpm infra:diff --base REF`: what the working tree (or --head REF) would change against REF, from the
 * synthesized Terraform JSON of both. No AWS credentials are needed: it compares configurations.
 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      format: { type: "string", default: "markdown" },
      out: { type: "string" },
      "json-out": { type: "string" },
    },
  });
  if (values.base === undefined || !["markdown", "json"].includes(values.format ?? ""))
    throw new Error(USAGE);
  const repo = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const log = (line: string) => process.stderr.write(`infra:diff: ${line}\n`);
  const base = await synthAtRef(repo, values.base, log);
  const head =
    values.head === undefined ? await synthWorkingTree(repo, log) : await synthAtRef(repo, values.head, log);
  const review = computeReview(base, head);
  const text =
    values.format === "json"
      ? `${JSON.stringify(review, null, 2)}\n`
      : toMarkdown(review, `Infrastructure review against \`${values.base}\``);
  if (values.out === undefined) process.stdout.write(text);
  else writeFileSync(values.out, text);
  if (values["json-out"] !== undefined)
    writeFileSync(values["json-out"], `${JSON.stringify(review, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A failed child process's message already holds its stderr: print it once.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`infra:diff: ${message.trimEnd()}\n`);
  process.exitCode = error instanceof InfraDiffError || message === USAGE ? 2 : 1;
});
