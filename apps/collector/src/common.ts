/** A collector configuration as the collector reads it (it becomes YAML). */
export type CollectorConfig = Record<string, unknown>;

/** What both collectors need to reach Amazon Managed Prometheus and to stay within their memory. */
export interface RemoteWriteInput {
  region: string;
  /** AMP remote-write URL: `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/remote_write`. */
  remoteWriteUrl: string;
  /** Memory the collector may use before it refuses data, in MiB; sized below the container's memory. */
  memoryLimitMiB: number;
  /** Requests kept in the remote-write queue while AMP is unreachable. */
  queueSize: number;
  healthPort?: number;
}

const URL_PATTERN = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Fails at synth, not at deploy, for values the collector would refuse or misread. */
export function checkRemoteWriteInput(input: RemoteWriteInput): void {
  if (!URL_PATTERN.test(input.remoteWriteUrl))
    throw new Error(`remoteWriteUrl "${input.remoteWriteUrl}" is not an http(s) URL`);
  if (input.memoryLimitMiB < 64)
    throw new Error(`memoryLimitMiB ${input.memoryLimitMiB} is below the 64 MiB the collector needs`);
  if (!Number.isInteger(input.queueSize) || input.queueSize < 1)
    throw new Error(`queueSize ${input.queueSize} must be a whole number of 1 or more`);
}

export function checkEnvName(what: string, name: string): void {
  if (!ENV_NAME.test(name)) throw new Error(`${what} "${name}" is not an environment variable name`);
}

/** `${env:NAME}`: expanded by the collector when it loads the file, so secrets never sit in the YAML. */
export const fromEnv = (name: string): string => `\${env:${name}}`;

/** Limits from the container's memory: refuse data at 80 %, with a 20 % spike margin. */
export function memoryLimiter(memoryLimitMiB: number): Record<string, unknown> {
  return {
    check_interval: "1s",
    limit_mib: Math.floor(memoryLimitMiB * 0.8),
    spike_limit_mib: Math.floor(memoryLimitMiB * 0.2),
  };
}

export const RETRY = {
  enabled: true,
  initial_interval: "1s",
  max_interval: "30s",
  max_elapsed_time: "300s",
} as const;

/** Remote write to AMP, signed with SigV4 by the sigv4auth extension, queued and retried. */
export function remoteWriteExporter(input: RemoteWriteInput): Record<string, unknown> {
  return {
    endpoint: input.remoteWriteUrl,
    auth: { authenticator: "sigv4auth" },
    resource_to_telemetry_conversion: { enabled: true },
    retry_on_failure: RETRY,
    remote_write_queue: { enabled: true, queue_size: input.queueSize, num_consumers: 4 },
  };
}

export function commonExtensions(input: RemoteWriteInput): Record<string, unknown> {
  return {
    health_check: { endpoint: `0.0.0.0:${input.healthPort ?? 13133}` },
    sigv4auth: { region: input.region, service: "aps" },
  };
}
