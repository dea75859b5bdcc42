import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Our distribution, built from ocb/manifest.yaml by scripts/build-collector.sh (or reused from its cache):
 * the binary the images build, compiled on this machine. Returns its path.
 */
export async function collectorBinary(): Promise<string> {
  const { stdout } = await run("bash", [join(import.meta.dirname, "..", "scripts", "build-collector.sh")], {
    maxBuffer: 64 << 20,
    timeout: 1_800_000,
  });
  return stdout.trim().split("\n").at(-1) ?? "";
}
