// Validates every GitHub Actions workflow against the workflow schema (action-validator, WebAssembly build),
// then proves its gates can fail: every `run` step that pipes (`checkov | tee`, say) is run under the shell
// GitHub would give it, with the commands it calls replaced by ones that fail, and must exit non-zero.
// GitHub's default shell is `bash -e`, without pipefail, so a failing command before a pipe passes.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

const dir = ".github/workflows";
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
let failures = 0;
const fail = (message) => {
  failures++;
  console.error(message);
};

/**
 * The commands a planted failure replaces: each succeeds, except when its output goes into a pipe, where
 * it exits 1 as a failing tool would. So the step's other commands pass and only the gate under test fails.
 */
const PLANTED = ["pnpm", "terraform", "tofu", "checkov", "node"];
const fakes = mkdtempSync(join(tmpdir(), "workflow-gates-"));
for (const name of PLANTED) {
  writeFileSync(
    join(fakes, name),
    "#!/bin/sh\n[ -p /dev/stdout ] || exit 0\necho planted failure >&2\nexit 1\n",
  );
  chmodSync(join(fakes, name), 0o755);
}

/** GitHub's command line for a step's shell on Linux runners. */
function shellArgs(shell) {
  if (shell === undefined) return ["bash", "-e"];
  if (shell === "bash") return ["bash", "--noprofile", "--norc", "-eo", "pipefail"];
  return undefined;
}

let gates = 0;
for (const name of files) {
  const path = join(dir, name);
  const text = readFileSync(path, "utf8");
  const { errors } = validateWorkflow(text);
  for (const error of errors) {
    const where = "path" in error ? error.path : `line ${error.location?.line ?? "?"}`;
    fail(`${path}: ${where}: ${error.title}${error.detail ? ` (${error.detail})` : ""}`);
  }
  const workflow = parse(text);
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      if (typeof step.run !== "string" || !/\|(?!\|)/.test(step.run.replaceAll("||", ""))) continue;
      const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
      const args = shellArgs(shell);
      const where = `${path}: jobs.${jobId}.steps[${i}] (${step.name ?? step.run.split("\n")[0]})`;
      if (args === undefined) {
        fail(`${where}: shell "${shell}" is not checked here; use bash`);
        continue;
      }
      const work = mkdtempSync(join(tmpdir(), "workflow-step-"));
      const script = join(work, "step.sh");
      writeFileSync(script, step.run);
      // Output to a file, not a pipe: only the step's own pipes make a fake fail.
      const log = openSync(join(work, "output"), "w");
      const result = spawnSync(args[0], [...args.slice(1), script], {
        cwd: work,
        env: { PATH: `${fakes}:/usr/bin:/bin`, GITHUB_STEP_SUMMARY: join(work, "summary") },
        stdio: ["ignore", log, log],
      });
      closeSync(log);
      rmSync(work, { recursive: true, force: true });
      gates++;
      if (result.status === 0) fail(`${where}: passes although its commands fail (a pipe without pipefail?)`);
    }
  }
}
rmSync(fakes, { recursive: true, force: true });
if (files.length === 0) fail(`${dir}: no workflow files`);
if (failures > 0) process.exit(1);
console.log(
  `workflows: ${files.length} valid (${files.join(", ")}); ${gates} piped steps fail when their commands fail`,
);
