import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root: this file lives in packages/test-peers/{src,dist}. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The bin directory of a test peer, installed on first use by the repo's scripts/peers: the Python peers
 * (moto, checkov) in venvs under .cache/peers, Debian's prometheus and prometheus-alertmanager packages
 * unpacked there; reused while
 * their pins are unchanged.
 */
export async function peerBin(name: "moto" | "checkov" | "prometheus" | "alertmanager"): Promise<string> {
  const script =
    name === "prometheus" || name === "alertmanager" ? [`${name}.sh`] : ["python-peers.sh", name];
  const [file, ...args] = script;
  const { stdout } = await run("bash", [`${repoRoot}scripts/peers/${file}`, ...args], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  return stdout.trim().split("\n").at(-1) ?? "";
}
