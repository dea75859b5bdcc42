import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root: this file lives in packages/test-peers/{src,dist}. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The bin directory of a Python test peer, installed on first use by scripts/peers/python-peers.sh
 * (a venv under .cache/peers, reused while its pinned requirements are unchanged).
 */
export async function peerBin(name: "moto" | "checkov"): Promise<string> {
  const { stdout } = await run("bash", [`${repoRoot}scripts/peers/python-peers.sh`, name], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  return stdout.trim().split("\n").at(-1) ?? "";
}
