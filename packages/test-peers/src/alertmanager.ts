import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { peerBin } from "./peers.js";
import { answers, freePort, type PeerProcess, startPeer } from "./process.js";

const run = promisify(execFile);

export interface AlertmanagerServer {
  /** `http://127.0.0.1:<port>`: Prometheus's `alerting.alertmanagers` target and the web UI. */
  url: string;
  process(): PeerProcess;
  /** Replaces the configuration and reloads it; rejects with amtool's or Alertmanager's reason. */
  reload(config: string): Promise<void>;
  /** The alerts Alertmanager holds, with their state (`active`, `suppressed`) and what inhibits them. */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** Stops it and deletes its data (silences, notification log). */
  destroy(): Promise<void>;
}

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: "active" | "suppressed" | "unprocessed"; inhibitedBy: string[] };
}

export class AlertmanagerConfigError extends Error {
  override readonly name = "AlertmanagerConfigError";
}

/** `amtool check-config`: the same parser Alertmanager uses, with its one-line reason on failure. */
async function checkConfig(bin: string, file: string): Promise<void> {
  try {
    await run(join(bin, "amtool"), ["check-config", file]);
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    const reason = output.split("\n").find((l) => /FAILED|error/i.test(l)) ?? output.trim();
    throw new AlertmanagerConfigError(`alertmanager config ${file}: ${reason.trim()}`);
  }
}

/**
 * Starts Debian's Alertmanager 0.25 on loopback with `config` (Alertmanager's YAML, as AMP's
 * `alertmanager_config` holds it), gossip off: one instance, as a local stand-in for AMP's alert manager.
 */
export async function startAlertmanager(config: string): Promise<AlertmanagerServer> {
  const bin = await peerBin("alertmanager");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "trackgraph-alertmanager-"));
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, config);
  try {
    await checkConfig(bin, configFile);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const peer = await startPeer({
    name: "alertmanager",
    command: join(bin, "prometheus-alertmanager"),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ],
    ready: () => answers(`${url}/-/ready`),
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url,
    process: () => peer,
    async reload(next) {
      // Checked beside the running config first: a refused config leaves the running one on disk, so a
      // restart of the process would still start.
      const candidate = join(dir, "candidate.yml");
      writeFileSync(candidate, next);
      try {
        await checkConfig(bin, candidate);
      } catch (error) {
        rmSync(candidate, { force: true });
        throw error;
      }
      // amtool and Alertmanager may still disagree: the running config goes back if the reload fails.
      const running = readFileSync(configFile, "utf8");
      renameSync(candidate, configFile);
      const response = await fetch(`${url}/-/reload`, { method: "POST" });
      if (!response.ok) {
        writeFileSync(configFile, running);
        throw new AlertmanagerConfigError(`alertmanager reload: ${await response.text()}`);
      }
    },
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      return (await response.json()) as AlertmanagerAlert[];
    },
    async destroy() {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
