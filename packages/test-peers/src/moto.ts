import { type ChildProcess, spawn } from "node:child_process";
import { peerBin } from "./peers.js";
import { freePort } from "./process.js";

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

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output()}`);
}

/** Starts moto's server on a free loopback port; installs it first if needed. */
export async function startMoto(): Promise<MotoServer> {
  const bin = await peerBin("moto");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(`${bin}/moto_server`, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  await waitUntilUp(endpoint, child, () => log);
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
