import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NodeRun, runNode } from "@trackgraph/test-peers";
import { afterAll, describe, expect, it } from "vitest";
import { terraformError } from "../src/aws.js";

const cli = join(import.meta.dirname, "../dist/cli.js");
const USAGE = `usage: pnpm validate [--stack NAME]                         the local plane (default stack: dev)
       pnpm validate --against aws --stack NAME [--region R] [--outputs FILE]   a deployed stack
`;

/** A folder to run in: no cdktf.out, and a fake `terraform` on PATH that fails as terraform does. */
const cwd = mkdtempSync(join(tmpdir(), "validate-cli-"));
const bin = join(cwd, "bin");
mkdirSync(bin);
writeFileSync(
  join(bin, "terraform"),
  `#!/bin/sh
printf '\\033[31m╷\\033[0m\\033[0m\\n\\033[31m│\\033[0m \\033[0m\\033[1m\\033[31mError: \\033[0m\\033[0m\\033[1mUnclosed object\\033[0m\\n\\033[31m│\\033[0m\\n\\033[31m│\\033[0m on cdk.tf.json line 1:\\n\\033[31m╵\\033[0m\\n' >&2
exit 1
`,
);
chmodSync(join(bin, "terraform"), 0o755);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/**
 * The built CLI in `cwd`, with no AWS credentials and every AWS endpoint unreachable: an error that a
 * path reports before any AWS call comes out the same either way, quickly.
 */
async function validate(...args: string[]): Promise<NodeRun> {
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    HOME: cwd,
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return runNode(cli, args, { cwd, env });
}

describe("usage errors", () => {
  const cases: Array<[string, string[], string]> = [
    ["an unknown option", ["--bogus"], "validate: unknown option --bogus"],
    ["--stack without a value", ["--stack"], "validate: --stack needs a value"],
    ["an argument", ["dev"], "validate: unexpected argument dev"],
    ["--outputs without a value", ["--against", "aws", "--outputs"], "validate: --outputs needs a value"],
    [
      "an empty --stack (an unset variable)",
      ["--against", "aws", "--stack", "", "--region", "eu-west-1"],
      "validate: --stack needs a value, not an empty one",
    ],
    [
      "a path for a stack name",
      ["--stack", "../../etc"],
      'validate: --stack "../../etc" is not a stack name (lower-case letters, digits and dashes)',
    ],
  ];
  for (const [what, args, line] of cases) {
    it(`${what}: exit 2, one line, then the usage`, async () => {
      expect(await validate(...args)).toEqual({ code: 2, stdout: "", stderr: `${line}\n${USAGE}` });
    });
  }

  it("--help prints the usage on stdout, exit 0", async () => {
    expect(await validate("--help")).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  });
});

describe("--against aws, when the stack's outputs cannot be read: exit 1, one line, no AWS call", () => {
  const aws = ["--against", "aws", "--region", "eu-west-1"];

  it("a stack that was never synthesized here", async () => {
    expect(await validate(...aws, "--stack", "nope")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "validate: stack nope: cdktf.out/stacks/nope does not exist: deploy the stack " +
        "(pnpm run deploy --stack nope) or pass --outputs FILE\n",
    });
  });

  it("terraform failing: its own first error line", async () => {
    mkdirSync(join(cwd, "cdktf.out/stacks/broken"), { recursive: true });
    expect(await validate(...aws, "--stack", "broken")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "validate: stack broken: terraform -chdir=cdktf.out/stacks/broken output -json failed: " +
        "Error: Unclosed object\n",
    });
  });

  it("--outputs FILE that does not exist", async () => {
    expect(await validate(...aws, "--stack", "dev", "--outputs", "missing.json")).toEqual({
      code: 1,
      stdout: "",
      stderr: "validate: --outputs missing.json: no such file\n",
    });
  });

  it("--outputs FILE that is not JSON", async () => {
    writeFileSync(join(cwd, "broken.json"), '{"dev": {"backend_url":');
    const result = await validate(...aws, "--stack", "dev", "--outputs", "broken.json");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(/^validate: --outputs broken\.json: not valid JSON \([^\n]+\)\n$/);
  });

  it("--outputs FILE without an output the checks need", async () => {
    writeFileSync(join(cwd, "partial.json"), JSON.stringify({ dev: { backend_url: "https://x.example" } }));
    expect(await validate(...aws, "--stack", "dev", "--outputs", "partial.json")).toEqual({
      code: 1,
      stdout: "",
      stderr: "validate: --outputs partial.json: no output amp_query_url for stack dev\n",
    });
  });

  it("--outputs FILE keyed by other stacks: names the stacks it holds", async () => {
    writeFileSync(
      join(cwd, "others.json"),
      JSON.stringify({
        prod: { backend_url: "https://p.example" },
        staging: { backend_url: "https://s.example" },
      }),
    );
    expect(await validate(...aws, "--stack", "dev", "--outputs", "others.json")).toEqual({
      code: 1,
      stdout: "",
      stderr: "validate: --outputs others.json: no stack dev in it (it holds prod, staging)\n",
    });
  });
});

describe("terraformError", () => {
  it("is terraform's first error line, past its warnings, colours and box", () => {
    const stderr = [
      "There are some problems with the CLI configuration:",
      "╷",
      "│ Warning: Unable to open CLI configuration file",
      "╵",
      "",
      "\u001b[31m╷\u001b[0m\u001b[0m",
      "\u001b[31m│\u001b[0m \u001b[0m\u001b[1m\u001b[31mError: \u001b[0m\u001b[0m\u001b[1mBackend initialization required\u001b[0m",
      "\u001b[31m╵\u001b[0m",
    ].join("\n");
    expect(terraformError(stderr)).toBe("Error: Backend initialization required");
    expect(terraformError("Error handling -chdir option: chdir x: no such file or directory\n")).toBe(
      "Error handling -chdir option: chdir x: no such file or directory",
    );
  });
});
