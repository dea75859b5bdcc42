import { type LogLevel, logLevel } from "@trackgraph/otel-bootstrap";
import { BACKEND_ENV as E } from "./env.js";

/** The backend's settings, from its environment (the infra app fills the secrets from Secrets Manager). */
export type BackendConfig = {
  port: number;
  metricsToken: string;
  cacheSeconds: number;
  /** Lowest log level written (`LOG_LEVEL`). */
  logLevel: LogLevel;
  /** Share of requests that write a request line (`LOG_REQUEST_SAMPLE_RATIO`; 0 turns the request log off). */
  requestLogSampleRatio: number;
} & ({ source: "s3"; bucket: string; prefix: string } | { source: "local"; dataDir: string });

export class BackendConfigError extends Error {
  override readonly name = "BackendConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

function ratio(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new BackendConfigError(`${name}="${text}": expected a number from 0 to 1`);
  return value;
}

function level(env: Env): LogLevel {
  try {
    return logLevel(E.logLevel, env[E.logLevel]);
  } catch (error) {
    // The same one-line message, as the backend's own error type (the entry point prints those).
    throw new BackendConfigError((error as Error).message);
  }
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BackendConfigError(`${name}="${text}": expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Reads and checks the environment once, at start, so a missing secret stops the container with its name. */
export function loadBackendConfig(env: Env = process.env): BackendConfig {
  const metricsToken = env[E.metricsToken] ?? "";
  if (metricsToken.length < 16) {
    throw new BackendConfigError(
      `${E.metricsToken} is ${metricsToken === "" ? "not set" : "too short"}: it protects /metrics and must be at least 16 characters (the infra app sets it from Secrets Manager)`,
    );
  }
  const base = {
    port: whole(env, E.port, 8080, 1, 65535),
    metricsToken,
    cacheSeconds: whole(env, E.historyCacheSeconds, 60, 0, 86_400),
    logLevel: level(env),
    requestLogSampleRatio: ratio(env, E.requestLogSampleRatio, 1),
  };
  const source = env[E.dataSource] ?? "s3";
  if (source === "local") {
    const dataDir = env[E.dataDir];
    if (!dataDir)
      throw new BackendConfigError(
        `${E.dataSource}=local needs ${E.dataDir} (a folder with the export's JSON files)`,
      );
    return { ...base, source: "local", dataDir };
  }
  if (source !== "s3") throw new BackendConfigError(`${E.dataSource}="${source}": expected s3 or local`);
  const bucket = env[E.dataBucket];
  if (!bucket)
    throw new BackendConfigError(`${E.dataBucket} is not set (the bucket that holds the listener's export)`);
  return { ...base, source: "s3", bucket, prefix: env[E.dataPrefix] ?? "" };
}
