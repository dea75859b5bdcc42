/** A collector configuration as the collector reads it (it becomes YAML). */
export type CollectorConfig = Record<string, unknown>;

/**
 * A value read from the collector's environment when it loads the file (`${env:NAME:-default}`). The image
 * configs use these, so one baked file runs in AWS and on the local plane with different environments.
 */
export interface EnvRef {
  env: string;
  default?: string;
}

/** A literal, checked at synth, or a reference to the collector's environment, expanded at its start. */
export type Setting = string | EnvRef;

/** What both collectors need to reach Amazon Managed Prometheus and to stay within their memory. */
export interface RemoteWriteInput {
  region: Setting;
  /** AMP remote-write URL: `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/remote_write`. */
  remoteWriteUrl: Setting;
  /** Memory the collector may use before it refuses data, in MiB; sized below the container's memory. */
  memoryLimitMiB: number;
  /** Requests kept in the remote-write queue while AMP is unreachable. */
  queueSize: number;
  /** Address the listeners bind to; 0.0.0.0 in a container. */
  bindHost?: Setting;
  healthPort?: Setting;
  /** Port of the collector's own metrics (accepted, refused, dropped, queue size), scraped by itself. */
  telemetryPort?: Setting;
}

const URL_PATTERN = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const PORT = /^\d{1,5}$/;

export function checkEnvName(what: string, name: string): void {
  if (!ENV_NAME.test(name)) throw new Error(`${what} "${name}" is not an environment variable name`);
}

/** Checks a literal with `test`; checks only the variable's name of an environment reference. */
export function checkSetting(
  what: string,
  value: Setting,
  test: (literal: string) => boolean,
  expected: string,
): void {
  if (typeof value === "string") {
    if (!test(value)) throw new Error(`${what} "${value}" is not ${expected}`);
    return;
  }
  checkEnvName(`${what}: env`, value.env);
  if (value.default !== undefined && !test(value.default))
    throw new Error(`${what}: default "${value.default}" is not ${expected}`);
}

/** Fails at synth, not at deploy, for values the collector would refuse or misread. */
export function checkRemoteWriteInput(input: RemoteWriteInput): void {
  checkSetting("remoteWriteUrl", input.remoteWriteUrl, (v) => URL_PATTERN.test(v), "an http(s) URL");
  checkSetting("region", input.region, (v) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(v), "an AWS region");
  for (const [what, port] of [
    ["healthPort", input.healthPort],
    ["telemetryPort", input.telemetryPort],
  ] as const) {
    if (port !== undefined) checkSetting(what, port, isPort, "a port number");
  }
  if (input.memoryLimitMiB < 64)
    throw new Error(`memoryLimitMiB ${input.memoryLimitMiB} is below the 64 MiB the collector needs`);
  if (!Number.isInteger(input.queueSize) || input.queueSize < 1)
    throw new Error(`queueSize ${input.queueSize} must be a whole number of 1 or more`);
}

const DURATION = /^\d+(ms|s|m)$/;

/** Checks a scrape interval such as "30s" (a literal, or an environment reference's default). */
export function checkInterval(what: string, value: Setting): void {
  checkSetting(what, value, (v) => DURATION.test(v) && !/^0+(ms|s|m)$/.test(v), "a duration such as 30s");
}

export function isPort(text: string): boolean {
  return PORT.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

/** `${env:NAME}`: expanded by the collector when it loads the file, so secrets never sit in the YAML. */
export const fromEnv = (name: string, fallback?: string): string =>
  fallback === undefined ? `\${env:${name}}` : `\${env:${name}:-${fallback}}`;

/** The text the YAML holds for a setting. */
export const render = (value: Setting): string =>
  typeof value === "string" ? value : fromEnv(value.env, value.default);

export const endpoint = (input: RemoteWriteInput, port: Setting): string =>
  `${render(input.bindHost ?? "0.0.0.0")}:${render(port)}`;

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

/**
 * Remote write to AMP, signed with SigV4 by the sigv4auth extension, queued and retried.
 * - The exporter retries inside one export call, and `timeout` bounds that whole call (it is also the HTTP
 *   client's timeout: both settings share the key). The default 5 s turned every retry into a drop during
 *   an outage, so it matches the retry budget.
 * - One consumer: a batch being retried holds back the ones queued behind it, so samples reach AMP in
 *   order. With several, a newer batch could land first and the older one be refused as out of order.
 * An outage shorter than `max_elapsed_time` loses nothing while the queue has room: queueSize batches, one
 *   per batch-processor flush (at most every 5 s).
 */
export function remoteWriteExporter(input: RemoteWriteInput): Record<string, unknown> {
  return {
    endpoint: render(input.remoteWriteUrl),
    auth: { authenticator: "sigv4auth" },
    timeout: RETRY.max_elapsed_time,
    resource_to_telemetry_conversion: { enabled: true },
    retry_on_failure: RETRY,
    remote_write_queue: { enabled: true, queue_size: input.queueSize, num_consumers: 1 },
  };
}

export function commonExtensions(input: RemoteWriteInput): Record<string, unknown> {
  return {
    health_check: { endpoint: endpoint(input, input.healthPort ?? "13133") },
    sigv4auth: { region: render(input.region), service: "aps" },
  };
}

/**
 * The collector's own metrics on a loopback port, and a scrape of them into its metrics pipeline: the
 * proxy runs on App Runner, which exposes one port, so no other collector could scrape them there.
 */
export function selfTelemetry(
  input: RemoteWriteInput,
  job: string,
  interval: Setting,
): { receiver: Record<string, unknown>; telemetry: Record<string, unknown> } {
  const port = render(input.telemetryPort ?? "8888");
  return {
    receiver: {
      config: {
        scrape_configs: [
          {
            job_name: job,
            scrape_interval: render(interval),
            static_configs: [{ targets: [`127.0.0.1:${port}`] }],
          },
        ],
      },
    },
    telemetry: {
      // The job label its metrics carry in AMP (otherwise every collector is "otelcol-trackgraph").
      resource: { "service.name": job },
      metrics: {
        level: "detailed",
        // The collector wants a number here; an environment reference expands to one.
        readers: [
          {
            pull: {
              exporter: {
                prometheus: { host: "127.0.0.1", port: /^\d+$/.test(port) ? Number(port) : port },
              },
            },
          },
        ],
      },
    },
  };
}
