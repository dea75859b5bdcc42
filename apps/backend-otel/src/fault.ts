import { existsSync } from "node:fs";
import { BACKEND_ENV } from "./env.js";

/**
 * A fault switch for the local telemetry plane's alert tests: while the file named by
 * `TRACKGRAPH_FAULT_FILE` exists, every request that reads the history fails with a 503, as a broken
 * data store would. Off by default. It is honoured only on a machine that is plainly not AWS: the
 * service must also run as deployment environment `local` (OTEL_RESOURCE_ATTRIBUTES) and talk to an
 * AWS endpoint on loopback (AWS_ENDPOINT_URL, the emulator). The infra app sets neither a loopback
 * endpoint nor the file, so no production config can turn it on, even by a stack named `local`.
 */
export const FAULT_FILE_ENV = BACKEND_ENV.faultFile;

/** Thrown where the history would be read while the switch is on: the handler answers it with a 503. */
export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

export type FaultSwitch =
  | { enabled: true; file: string; check: () => void }
  | { enabled: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

function deploymentEnvironment(env: Env): string | undefined {
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? "").split(",")) {
    const [key, value] = pair.split("=");
    if (key?.trim() === "deployment.environment.name") return value?.trim();
  }
  return undefined;
}

function onLoopback(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Reads the switch from the environment once, at start; says why when it stays off. */
export function loadFaultSwitch(env: Env = process.env): FaultSwitch {
  const file = env[FAULT_FILE_ENV];
  if (file === undefined || file === "") return { enabled: false, reason: `${FAULT_FILE_ENV} is not set` };
  if (deploymentEnvironment(env) !== "local") {
    return { enabled: false, reason: "ignored: deployment.environment.name is not local" };
  }
  if (!onLoopback(env.AWS_ENDPOINT_URL)) {
    return { enabled: false, reason: "ignored: AWS_ENDPOINT_URL is not an emulator on loopback" };
  }
  return {
    enabled: true,
    file,
    check: () => {
      if (existsSync(file)) throw new InjectedFault(`fault switch on (${file} exists)`);
    },
  };
}
