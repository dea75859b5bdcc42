/** The backend's settings, from its environment (App Runner fills the secrets from Secrets Manager). */
export type BackendConfig = {
  port: number;
  metricsToken: string;
  cacheSeconds: number;
} & ({ source: "s3"; bucket: string; prefix: string } | { source: "local"; dataDir: string });

export class BackendConfigError extends Error {
  override readonly name = "BackendConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

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
  const metricsToken = env.METRICS_TOKEN ?? "";
  if (metricsToken.length < 16) {
    throw new BackendConfigError(
      `METRICS_TOKEN is ${metricsToken === "" ? "not set" : "too short"}: it protects /metrics and must be at least 16 characters (App Runner sets it from Secrets Manager)`,
    );
  }
  const base = {
    port: whole(env, "PORT", 8080, 1, 65535),
    metricsToken,
    cacheSeconds: whole(env, "HISTORY_CACHE_SECONDS", 60, 0, 86_400),
  };
  const source = env.DATA_SOURCE ?? "s3";
  if (source === "local") {
    if (!env.DATA_DIR)
      throw new BackendConfigError(
        "DATA_SOURCE=local needs DATA_DIR (a folder with the export's JSON files)",
      );
    return { ...base, source: "local", dataDir: env.DATA_DIR };
  }
  if (source !== "s3") throw new BackendConfigError(`DATA_SOURCE="${source}": expected s3 or local`);
  if (!env.SPOTIFY_DATA_BUCKET)
    throw new BackendConfigError(
      "SPOTIFY_DATA_BUCKET is not set (the bucket that holds the listener's export)",
    );
  return { ...base, source: "s3", bucket: env.SPOTIFY_DATA_BUCKET, prefix: env.SPOTIFY_DATA_PREFIX ?? "" };
}
