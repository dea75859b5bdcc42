import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { argumentProblem } from "../src/index.js";

/** What this Node's parseArgs throws for `argv` (strict, no positionals), as argumentProblem reads it. */
function refused(argv: string[]) {
  try {
    parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        out: { type: "string", short: "o" },
      },
    });
  } catch (error) {
    return argumentProblem(error, argv);
  }
  throw new Error(`parseArgs took ${JSON.stringify(argv)}`);
}

describe("argumentProblem", () => {
  it("keeps the kind and the argument of parseArgs's errors, and nothing else", () => {
    const error = (code: string, message: string) => Object.assign(new TypeError(message), { code });
    expect(
      argumentProblem(
        error(
          "ERR_PARSE_ARGS_UNKNOWN_OPTION",
          `Unknown option '--dryrun'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--dryrun"`,
        ),
        [],
      ),
    ).toEqual({ name: "--dryrun", text: "unknown option --dryrun" });
    expect(
      argumentProblem(
        error(
          "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL",
          "Unexpected argument 'x'. This command does not take positional arguments",
        ),
        ["x"],
      ),
    ).toEqual({ name: "x", text: "unexpected argument x" });
    expect(argumentProblem(new Error("Unknown option '--x'"), [])).toBeUndefined();
  });

  it("names an unknown option", () => {
    expect(refused(["--stack", "dev", "--dryrun"])).toEqual({
      name: "--dryrun",
      text: "unknown option --dryrun",
    });
    expect(refused(["-x"])).toEqual({ name: "-x", text: "unknown option -x" });
  });

  it("names an unexpected argument", () => {
    expect(refused(["dev"])).toEqual({ name: "dev", text: "unexpected argument dev" });
  });

  it("says a refusal with nothing to name in parseArgs's first sentence, never leaving it to a trace", () => {
    expect(refused([""])).toEqual({ name: "", text: "Unexpected argument ''" });
  });

  it("keeps a space or a quote inside the argument it names", () => {
    expect(refused(["a b"])).toEqual({ name: "a b", text: "unexpected argument a b" });
    expect(refused(["it's"])).toEqual({ name: "it's", text: "unexpected argument it's" });
    expect(refused(["--it's"])).toEqual({ name: "--it's", text: "unknown option --it's" });
  });

  it("gives the '=' hint to long options only (parseArgs reads -o=-x as the value '=-x')", () => {
    expect(refused(["-o", "-x"])).toEqual({
      name: "-o",
      next: "-x",
      text: "-o needs a value, not the option -x",
    });
  });

  it("says a flag takes no value", () => {
    expect(refused(["--dry-run=yes"])).toEqual({ name: "--dry-run", text: "--dry-run takes no value" });
    // Node names an option with a short form '-h, --help': the line names the long one.
    expect(refused(["--help=x"])).toEqual({ name: "--help", text: "--help takes no value" });
  });

  it("says an option at the end needs a value", () => {
    expect(refused(["--stack"])).toEqual({ name: "--stack", text: "--stack needs a value" });
  });

  it("says an option followed by another needs a value, and how to pass one that starts with -", () => {
    expect(refused(["--stack", "--dry-run"])).toEqual({
      name: "--stack",
      next: "--dry-run",
      text: "--stack needs a value, not the option --dry-run (write --stack=--dry-run if that is the value)",
    });
    expect(refused(["--stack", "-5"])?.next).toBe("-5");
  });

  it("leaves other errors and other codes to the caller", () => {
    expect(argumentProblem(new RangeError("Unknown option '--x'"), [])).toBeUndefined();
    expect(argumentProblem("Unknown option '--x'", [])).toBeUndefined();
    expect(argumentProblem(undefined, [])).toBeUndefined();
    const other = Object.assign(new TypeError("The 'args' argument must be an array"), {
      code: "ERR_INVALID_ARG_TYPE",
    });
    expect(argumentProblem(other, [])).toBeUndefined();
  });
});
