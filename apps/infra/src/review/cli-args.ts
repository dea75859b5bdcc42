import { parseArgs } from "node:util";
import { argumentProblem } from "@trackgraph/cli-args";
import { InfraDiffError } from "./synth-ref.js";

export const USAGE =
  "usage: pnpm infra:diff --base REF [--head REF] [--format markdown|json] [--out FILE] [--json-out FILE] [--expect-none]";

/** A usage error: infra:diff prints it in one line, then {@link USAGE}, and exits 2. */
export class UsageError extends InfraDiffError {}

export interface InfraDiffArgs {
  base: string;
  head: string | undefined;
  format: "markdown" | "json";
  out: string | undefined;
  jsonOut: string | undefined;
  expectNone: boolean;
}

/** infra:diff's command line, or `"help"` for `--help`; throws {@link UsageError} for anything else. */
export function parseInfraDiffArgs(argv: string[]): InfraDiffArgs | "help" {
  let values: ReturnType<typeof parseStrict>;
  try {
    values = parseStrict(argv);
  } catch (error) {
    const problem = argumentProblem(error, argv);
    throw problem === undefined ? error : new UsageError(problem.text);
  }
  if (values.help) return "help";
  if (values.base === undefined || values.base === "") throw new UsageError("--base REF is required");
  const format = values.format;
  if (format !== "markdown" && format !== "json")
    throw new UsageError(`--format must be markdown or json, not "${format}"`);
  return {
    base: values.base,
    head: values.head,
    format,
    out: values.out,
    jsonOut: values["json-out"],
    expectNone: values["expect-none"],
  };
}

function parseStrict(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      format: { type: "string", default: "markdown" },
      out: { type: "string" },
      "json-out": { type: "string" },
      "expect-none": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
}
