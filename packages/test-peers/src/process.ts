import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { createServer } from "node:net";

/** A free TCP port on loopback (closed again before it is returned, so a peer can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export class PeerStartError extends Error {
  override readonly name = "PeerStartError";
}

export interface PeerProcess {
  readonly name: string;
  readonly pid: number;
  /** The last 20 kB the process wrote to stdout and stderr. */
  output(): string;
  /** The file that holds everything it wrote to stdout, when it was started with `outputFile`. */
  readonly outputFile: string | undefined;
  /** Resident memory in MiB, from /proc. */
  rssMiB(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface PeerSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Also append everything the process writes to stdout (as it comes) to this file, synchronously: for a
   * reader that needs every line, such as the backend's log, not the last 20 kB.
   * @default no file
   */
  outputFile?: string;
  /** Resolves true once the peer serves; polled until `timeoutMs`. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A peer must never outlive the process that started it, even when that one exits abruptly. */
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

/** Starts a peer and waits until `ready` says it serves; fails with its output if it exits or times out. */
export async function startPeer(spec: PeerSpec): Promise<PeerProcess> {
  killAllOnExit();
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let log = "";
  const sink = spec.outputFile === undefined ? undefined : openSync(spec.outputFile, "a");
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  // Only stdout goes to the file: a stderr chunk could land inside a half-written stdout line.
  child.stdout?.on("data", (chunk: Buffer) => {
    if (sink !== undefined) writeSync(sink, chunk);
    keep(chunk);
  });
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  // `close`, not `exit`: output can still arrive after the process has exited, until its pipes close.
  if (sink !== undefined) child.once("close", () => closeSync(sink));
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const peer: PeerProcess = {
    name: spec.name,
    pid: child.pid ?? -1,
    output: () => log,
    outputFile: spec.outputFile,
    rssMiB: () => rssMiB(child.pid ?? -1),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (spec.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (spawnError)
      throw new PeerStartError(`${spec.name}: could not start ${spec.command}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new PeerStartError(
        `${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log}`,
      );
    if (await spec.ready().catch(() => false)) return peer;
    await new Promise((r) => setTimeout(r, 150));
  }
  await peer.stop();
  throw new PeerStartError(
    `${spec.name} was not ready within ${(spec.timeoutMs ?? 30_000) / 1000} s:\n${log}`,
  );
}

/** Resident memory of a process in MiB, from /proc (0 once it has exited). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** `true` when a GET of `url` answers 2xx. */
export async function answers(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}
