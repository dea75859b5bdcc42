import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type CollectorImage, imageConfigYaml } from "@trackgraph/collector";
import {
  answers,
  freePort,
  type PeerProcess,
  PeerStartError,
  repoRoot,
  startPeer,
} from "@trackgraph/test-peers";

const run = promisify(execFile);

let binary: Promise<string> | undefined;

/**
 * Our collector distribution, built (or reused) by apps/collector's script from the manifest the deployed
 * images are built from: same components, builder and versions. Resolved once per process: a plane starts
 * two collectors from the same binary.
 */
export function collectorBinary(): Promise<string> {
  binary ??= run("bash", [join(repoRoot, "apps/collector/scripts/build-collector.sh")], {
    maxBuffer: 64 << 20,
    timeout: 30 * 60 * 1000,
  }).then(({ stdout }) => stdout.trim().split("\n").at(-1) ?? "");
  binary.catch(() => {
    binary = undefined;
  });
  return binary;
}

export interface RunningCollector extends PeerProcess {
  /** Where it serves its own metrics (otelcol_*), on loopback. */
  telemetryUrl: string;
  healthUrl: string;
  /** The config file it runs: the image's, byte for byte. */
  configFile: string;
}

/**
 * Runs one image's baked config in our collector build with `env` (the variables the infra app sets in
 * AWS, pointed at loopback peers). Static credentials and a disabled instance-metadata client keep the
 * AWS SDK inside the collector from looking for credentials anywhere but its environment.
 */
export async function startCollector(
  image: CollectorImage,
  workDir: string,
  env: Record<string, string>,
): Promise<RunningCollector> {
  const binary = await collectorBinary();
  const configFile = join(workDir, `${image}.yaml`);
  writeFileSync(configFile, imageConfigYaml(image));
  // freePort's port is free when picked, not when the collector binds it: on a busy machine another
  // process (an outgoing connection's source port) can take it in between. Pick new ports and retry.
  for (let attempt = 1; ; attempt++) {
    const [healthPort, telemetryPort] = [await freePort(), await freePort()];
    try {
      const peer = await startPeer({
        name: `collector (${image})`,
        command: binary,
        args: [`--config=file:${configFile}`],
        env: {
          PATH: process.env.PATH ?? "",
          HOME: workDir,
          AWS_EC2_METADATA_DISABLED: "true",
          COLLECTOR_BIND_HOST: "127.0.0.1",
          HEALTH_PORT: String(healthPort),
          TELEMETRY_PORT: String(telemetryPort),
          ...env,
        },
        ready: () => answers(`http://127.0.0.1:${healthPort}/`),
      });
      return Object.assign(peer, {
        telemetryUrl: `http://127.0.0.1:${telemetryPort}/metrics`,
        healthUrl: `http://127.0.0.1:${healthPort}/`,
        configFile,
      });
    } catch (error) {
      const taken = error instanceof PeerStartError && /address already in use/.test(error.message);
      if (!taken || attempt >= 3) throw error;
    }
  }
}
