import { peerBin } from "./peers.js";
import { answers, freePort, startPeer } from "./process.js";

/** This process's environment without unset entries (moto's Python reads HOME, locale and proxies). */
function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: give it to every AWS SDK client as `endpoint`. */
  endpoint: string;
  /** Region and dummy credentials the emulator accepts. */
  clientConfig: {
    region: string;
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
  };
  /** Clears all state (as a fresh server would have). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto's server on a free loopback port; installs it first if needed. */
export async function startMoto(): Promise<MotoServer> {
  const bin = await peerBin("moto");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // A peer like the others: stopped with SIGTERM then SIGKILL, and killed when this process exits. Its own
  // stop had no SIGKILL, and waited forever for the exit of a moto a signal had already killed.
  const peer = await startPeer({
    name: "moto_server",
    command: `${bin}/moto_server`,
    args: ["-H", "127.0.0.1", "-p", String(port)],
    env: inheritedEnv(),
    ready: () => answers(`${endpoint}/moto-api/data.json`),
  });
  return {
    endpoint,
    clientConfig: {
      region: "us-east-1",
      endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      forcePathStyle: true,
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    },
    stop: () => peer.stop(),
  };
}
