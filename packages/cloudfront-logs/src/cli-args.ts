import { argumentProblem } from "@trackgraph/cli-args";
import { CliError, EXIT_UNREADABLE } from "./cli-error.js";

export const SUMMARIZE_USAGE =
  "usage: cf-logs summarize [--json] [--distribution-id ID] [--max-line-bytes N] FILE...";
export const QUERY_USAGE =
  "usage: cf-logs query --sql FILE_OR_TEXT [--json | --csv] [--param NAME=VALUE]... " +
  "[--distribution-id ID] [--max-line-bytes N] [--memory-limit SIZE] FILE...";
/** Both commands' usage, for `cf-logs --help` and a command line that names neither. */
export const USAGE = `${SUMMARIZE_USAGE}\n${QUERY_USAGE.replace(/^usage:/, "      ")}`;

/** A usage error: printed as one line, then `usage`, exit 1 (the exit code of bad usage). */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message, EXIT_UNREADABLE);
  }
}

/** `text` as a whole number of 1 or more, the value of `flag`; `undefined` when the flag is absent. */
export function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new CliError(`${flag} ${text}: expected a whole number of 1 or more`);
  return value;
}

/** The options whose value is a whole number: `--max-line-bytes -5` is judged as a value, not an option. */
const WHOLE_NUMBER_OPTIONS = new Set(["--max-line-bytes"]);

/**
 * `parse()` (a strict parseArgs over `argv`), with what it refuses as a {@link UsageError} followed by
 * `usage`; a negative number after a whole-number option is refused as that option's value.
 */
export function parseOrUsage<T>(argv: readonly string[], usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const problem = argumentProblem(error, argv);
    if (problem === undefined) throw error;
    if (problem.next !== undefined && /^-\d/.test(problem.next) && WHOLE_NUMBER_OPTIONS.has(problem.name))
      wholeNumber(problem.name, problem.next);
    throw new UsageError(problem.text, usage);
  }
}
