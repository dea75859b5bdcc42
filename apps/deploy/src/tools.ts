import { CommandNotFound, type ProcessRunner } from "./process.js";

/** Terraform 1.10 (and OpenTofu 1.10) bring the S3 backend's native locking the stacks' state uses. */
export const MIN_TERRAFORM = "1.10.0";

/** `terraform` when it is on PATH, else `tofu` when that is, else `terraform` (to fail naming it). */
export function terraformProgram(runner: ProcessRunner): "terraform" | "tofu" {
  if (runner.which("terraform") !== undefined) return "terraform";
  return runner.which("tofu") !== undefined ? "tofu" : "terraform";
}

/** Compares dotted versions numerically (`1.10.0` > `1.9.8`); pre-release suffixes are ignored. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.replace(/^v/, "").split(/[-+]/)[0]?.split(".").map(Number) ?? [];
  const a = parts(version);
  const b = parts(minimum);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (Number.isNaN(x)) return false;
    if (x !== y) return x > y;
  }
  return true;
}

export type ToolFinding =
  | { ok: true; program: string; version: string }
  | { ok: false; program: string; problem: string; todo: string };

/** `terraform version -json` (or tofu's) against MIN_TERRAFORM. */
export async function findTerraform(runner: ProcessRunner): Promise<ToolFinding> {
  const program = terraformProgram(runner);
  const install = `install Terraform >= ${MIN_TERRAFORM} (or OpenTofu >= ${MIN_TERRAFORM}) and put it on PATH`;
  let out: Awaited<ReturnType<ProcessRunner["capture"]>>;
  try {
    out = await runner.capture(program, ["version", "-json"], { env: { CHECKPOINT_DISABLE: "1" } });
  } catch (error) {
    if (error instanceof CommandNotFound)
      return { ok: false, program, problem: "neither terraform nor tofu is on PATH", todo: install };
    throw error;
  }
  let version: string | undefined;
  try {
    version = (JSON.parse(out.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = undefined;
  }
  if (out.code !== 0 || version === undefined)
    return {
      ok: false,
      program,
      problem: `\`${program} version -json\` exited with ${out.code} and no version (${firstLine(out.stderr || out.stdout)})`,
      todo: install,
    };
  if (!versionAtLeast(version, MIN_TERRAFORM))
    return {
      ok: false,
      program,
      problem: `${program} ${version} is older than ${MIN_TERRAFORM} (the S3 backend's native state locking)`,
      todo: `upgrade ${program} to ${MIN_TERRAFORM} or newer`,
    };
  return { ok: true, program, version };
}

/** `docker version --format {{.Client.Version}}`: the client, and whether its engine answers. */
export async function findDocker(runner: ProcessRunner): Promise<ToolFinding> {
  let out: Awaited<ReturnType<ProcessRunner["capture"]>>;
  try {
    out = await runner.capture("docker", ["version", "--format", "{{.Client.Version}}"]);
  } catch (error) {
    if (error instanceof CommandNotFound)
      return {
        ok: false,
        program: "docker",
        problem: "docker is not on PATH",
        todo: "install Docker (Docker Engine, or Docker Desktop) to build and push the images",
      };
    throw error;
  }
  const version = out.stdout.trim().split("\n")[0] ?? "";
  if (out.code === 0 && version !== "") return { ok: true, program: "docker", version };
  return {
    ok: false,
    program: "docker",
    problem:
      version === ""
        ? `\`docker version\` exited with ${out.code}: ${firstLine(out.stderr)}`
        : `docker ${version} is installed but its engine does not answer: ${firstLine(out.stderr)}`,
    todo: "start the Docker engine (Docker Desktop, or `sudo systemctl start docker`), then run again",
  };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
