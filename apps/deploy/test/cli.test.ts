import { join } from "node:path";
import { runNode } from "@trackgraph/test-peers";
import { describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "../dist/cli.js");
const DEPLOY_USAGE = "usage: pnpm run deploy --stack NAME [--dry-run] [--auto-approve] [--no-synth]\n";
const PREFLIGHT_USAGE = "usage: pnpm run preflight --stack NAME [--no-synth]\n";

/** The built CLI as the root scripts run it; resolves with its exit code and output, also on failure. */
const run = (...args: string[]) => runNode(cli, args);

describe("the command line", () => {
  const usageErrors: Array<[string, string[], string]> = [
    [
      "an unknown option",
      ["deploy", "--stack", "dev", "--dryrun"],
      `deploy: unknown option --dryrun\n${DEPLOY_USAGE}`,
    ],
    ["--stack without a value", ["deploy", "--stack"], `deploy: --stack needs a value\n${DEPLOY_USAGE}`],
    [
      "--stack followed by an option",
      ["deploy", "--stack", "--dry-run"],
      `deploy: --stack needs a value, not the option --dry-run (write --stack=--dry-run if that is the value)\n${DEPLOY_USAGE}`,
    ],
    [
      "a value for a flag",
      ["deploy", "--stack", "dev", "--dry-run=yes"],
      `deploy: --dry-run takes no value\n${DEPLOY_USAGE}`,
    ],
    [
      "preflight: an unknown option",
      ["preflight", "--stack", "dev", "--bogus"],
      `preflight: unknown option --bogus\n${PREFLIGHT_USAGE}`,
    ],
    [
      "preflight: --stack without a value",
      ["preflight", "--stack"],
      `preflight: --stack needs a value\n${PREFLIGHT_USAGE}`,
    ],
    ["preflight: no --stack", ["preflight"], `preflight: --stack NAME is required\n${PREFLIGHT_USAGE}`],
    [
      "preflight: --dry-run",
      ["preflight", "--stack", "dev", "--dry-run"],
      `preflight: preflight takes neither --dry-run nor --auto-approve (it changes nothing)\n${PREFLIGHT_USAGE}`,
    ],
    [
      "no command",
      ["--stack", "dev"],
      `deploy: the first argument is deploy or preflight, not nothing\n${DEPLOY_USAGE}       pnpm run preflight --stack NAME [--no-synth]\n`,
    ],
  ];
  for (const [what, args, stderr] of usageErrors) {
    it(`refuses ${what} with exit 2, one line and the usage`, async () => {
      expect(await run(...args)).toEqual({ code: 2, stdout: "", stderr });
    });
  }

  it("prints each command's usage on --help, exit 0", async () => {
    expect(await run("deploy", "--help")).toEqual({ code: 0, stdout: DEPLOY_USAGE, stderr: "" });
    expect(await run("preflight", "-h")).toEqual({ code: 0, stdout: PREFLIGHT_USAGE, stderr: "" });
  });
});
