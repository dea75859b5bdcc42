/** What Node's `util.parseArgs` (strict) refused on a command line. */
export interface ArgumentProblem {
  /** The option or argument parseArgs refused: `--dryrun`, `--stack`, `extra`. */
  name: string;
  /** For an option without its value: the argument after it that starts with "-" (parseArgs's "ambiguous"). */
  next?: string;
  /** The problem as one line: `unknown option --dryrun`, `--stack needs a value`. */
  text: string;
}

/**
 * What was wrong with the command line when Node's `util.parseArgs` (strict) refused it, as one line.
 * parseArgs throws a TypeError whose `code` says the kind and whose message names the argument in quotes,
 * then adds advice written for programmers (`as in '-- "--dryrun"`): only the kind and the name are kept.
 * `undefined` for any other error (the caller rethrows it). A refusal that names no argument (an empty
 * one, `''`) is `name: ""` with parseArgs's first sentence as `text`.
 */
export function argumentProblem(error: unknown, argv: readonly string[]): ArgumentProblem | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const code = String((error as { code?: unknown }).code);
  if (!code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const name = refusedName(error.message);
  // Nothing to name (an empty argument, ''): parseArgs's own first sentence says what it refused.
  if (name === undefined || name === "") return { name: "", text: firstSentence(error.message) };
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return { name, text: `unknown option ${name}` };
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return { name, text: `unexpected argument ${name}` };
  if (code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return { name, text: firstSentence(error.message) };
  if (error.message.includes("does not take an argument")) return { name, text: `${name} takes no value` };
  // "ambiguous": the option is followed by an argument that starts with "-", taken for another option.
  const at = argv.findIndex((arg, i) => arg === name && argv[i + 1]?.startsWith("-"));
  const next = at === -1 ? undefined : argv[at + 1];
  if (next === undefined) return { name, text: `${name} needs a value` };
  // Only a long option takes its value after "=" (parseArgs reads `-o=-x` as the value "=-x").
  const hint = name.startsWith("--") ? ` (write ${name}=${next} if that is the value)` : "";
  return { name, next, text: `${name} needs a value, not the option ${next}${hint}` };
}

/**
 * The argument a parseArgs message quotes: `'--stack <value>'`, `'-h, --help'`, `'a b'`, `'--it's'`. The
 * quote ends where the message goes on (`'. `, `' argument`, `' does`), so a space or a quote inside the
 * argument stays in it. Of an option, its long name without the `<value>` placeholder.
 */
function refusedName(message: string): string | undefined {
  const quoted = /'(.*?)'(?=\. |\.$| argument| does|$)/.exec(message)?.[1];
  if (quoted === undefined || !quoted.startsWith("-")) return quoted;
  return /--[^\s,]+/.exec(quoted)?.[0] ?? quoted.split(" ")[0];
}

/** The first sentence of a parseArgs message, without the advice that follows it. */
function firstSentence(message: string): string {
  return message.split("\n")[0]?.split(". ")[0] ?? message;
}
