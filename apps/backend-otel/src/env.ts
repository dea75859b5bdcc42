/**
 * The names of the environment variables the backend reads, in one place: the backend's config, the
 * infra app (which sets them on the service) and the local plane (which sets them on its process) all
 * take them from here, so a rename cannot leave one of them setting a variable nobody reads.
 * The OpenTelemetry variables (OTEL_*) are the SDK's own and are not listed.
 */
export const BACKEND_ENV = {
  /** TCP port to listen on (default 8080). */
  port: "PORT",
  /** Bearer token that protects /metrics; at least 16 characters; a secret. */
  metricsToken: "METRICS_TOKEN",
  /** Seconds the parsed history is cached (default 60). */
  historyCacheSeconds: "HISTORY_CACHE_SECONDS",
  /** Lowest log level written (default info). */
  logLevel: "LOG_LEVEL",
  /** Share of requests that write a request line, 0 to 1 (default 1). */
  requestLogSampleRatio: "LOG_REQUEST_SAMPLE_RATIO",
  /** Where the history comes from: `s3` (default) or `local`. */
  dataSource: "DATA_SOURCE",
  /** With DATA_SOURCE=local: the folder holding the export's JSON files. */
  dataDir: "DATA_DIR",
  /** With DATA_SOURCE=s3: the bucket that holds the listener's export. */
  dataBucket: "SPOTIFY_DATA_BUCKET",
  /** With DATA_SOURCE=s3: the key prefix of the export in that bucket. */
  dataPrefix: "SPOTIFY_DATA_PREFIX",
  /** The local plane's fault switch file (honoured only on the local plane; see fault.ts). */
  faultFile: "TRACKGRAPH_FAULT_FILE",
} as const;
