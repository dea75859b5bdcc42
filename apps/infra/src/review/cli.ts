import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseInfraDiffArgs, USAGE, UsageError } from "./cli-args.js";
import { toMarkdown } from "./markdown.js";
import { computeReview, expectNoneExitCode, summarize, summaryLine } from "./review.js";
import { InfraDiffError, synthAtRef, synthWorkingTree } from "./synth-ref.js";

/**
 * `pnpm infra:diff --base REF`: what the working tree (or --head REF) would change against REF, from the
 * synthesized Terraform JSON of both. No AWS credentials are needed: it compares configurations.
 * With `--expect-none` it exits 1, after printing the review, when anything differs: a refactor's proof.
 * Exit 2: a usage error (one line, then the usage) or a ref or synth infra:diff cannot use (one line).
 */
async function main(argv: string[]): Promise<void> {
  const args = parseInfraDiffArgs(argv);
  if (args === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const repo = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const log = (line: string) => process.stderr.write(`infra:diff: ${line}\n`);
  const base = await synthAtRef(repo, args.base, log);
  const head =
    args.head === undefined ? await synthWorkingTree(repo, log) : await synthAtRef(repo, args.head, log);
  const review = computeReview(base, head);
  const text =
    args.format === "json"
      ? `${JSON.stringify(review, null, 2)}\n`
      : toMarkdown(review, `Infrastructure review against \`${args.base}\``);
  if (args.out === undefined) process.stdout.write(text);
  else writeFileSync(args.out, text);
  if (args.jsonOut !== undefined) writeFileSync(args.jsonOut, `${JSON.stringify(review, null, 2)}\n`);
  for (const summary of summarize(review, [...base.keys(), ...head.keys()])) log(summaryLine(summary));
  if (args.expectNone) {
    process.exitCode = expectNoneExitCode(review);
    log(
      process.exitCode === 0 ? "--expect-none: no differences" : "--expect-none: differences found (exit 1)",
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A failed child process's message already holds its stderr: print it once.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`infra:diff: ${message.trimEnd()}\n`);
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exitCode = error instanceof InfraDiffError ? 2 : 1;
});
