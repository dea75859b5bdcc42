import { join } from "node:path";
import { type DeployManifest, type DeployOptions, deploy, ProcessRunner } from "../src/index.js";
import { FakeAccount } from "./fake-account.js";
import { FAKE_PROGRAMS, fakeBin, type LogEntry, line, makeRoot, manifest, readLog } from "./fixtures.js";

/** What the environment stack's `terraform output` answers for the dashboards apply's token. */
export const GRAFANA_OUTPUTS = { grafana_workspace_id: "g-0123456789", grafana_service_account_id: "7" };

/**
 * A repository root with `m` synthesized, fake programs alone on PATH (no real terraform or docker can
 * run), and an in-memory account writing to the same log.
 */
export function harness(
  m: DeployManifest = manifest(),
  options: { programs?: readonly string[]; env?: Record<string, string> } = {},
) {
  const root = makeRoot(m);
  const bin = fakeBin(options.programs ?? FAKE_PROGRAMS);
  const log = join(root, "calls.log");
  const env = { PATH: bin, FAKE_LOG: log, FAKE_TF_OUTPUTS: JSON.stringify(GRAFANA_OUTPUTS), ...options.env };
  const runner = new ProcessRunner({ cwd: root, env });
  const account = new FakeAccount(log, m);
  const out: string[] = [];
  const run = (extra: Partial<DeployOptions> = {}) =>
    deploy({ stack: "dev", root, synth: false, account, runner, print: (l) => out.push(l), ...extra });
  return { root, bin, log, env, runner, account, out, run, events: (): LogEntry[] => readLog(log) };
}

/** The calls that change something, plus the first read of preflight, as short labels in order. */
export function milestones(events: LogEntry[]): string[] {
  const labels: string[] = [];
  for (const e of events) {
    const text = line(e);
    if (e.prog === "aws") {
      const op = e.argv[0] ?? "";
      if (op === "GetCallerIdentity" && !labels.includes("preflight")) labels.push("preflight");
      if (
        [
          "CreateServiceLinkedRole",
          "GetAuthorizationToken",
          "PutSecretValue",
          "PutRetentionPolicy",
          "CreateWorkspaceServiceAccountToken",
          "DeleteWorkspaceServiceAccountToken",
        ].includes(op)
      )
        labels.push(`aws ${op}`);
      continue;
    }
    if (e.argv[0] === "version") continue;
    const chdir = e.argv.find((a) => a.startsWith("-chdir="));
    if (chdir !== undefined) {
      const stack = chdir.slice("-chdir=cdktf.out/stacks/".length);
      const verb = e.argv[1] ?? "";
      labels.push(
        `${e.prog} ${verb} ${stack}${e.argv.some((a) => a.startsWith("-target=")) ? " (targets)" : ""}`,
      );
      continue;
    }
    labels.push(text.split(" ").slice(0, 2).join(" "));
  }
  return labels;
}
