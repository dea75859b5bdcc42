import { DEFAULT_MAX_LINE_BYTES } from "@trackgraph/cloudfront-logs";

/** The function's settings, from its environment (set by the infra app). */
export interface LogParserConfig {
  /** Only keys under this prefix are access logs; anything else is skipped with a log line. */
  logPrefix: string;
  /** DynamoDB table of idempotency records and publish progress. */
  idempotencyTable: string;
  /** How long a processed object is remembered (duplicate deliveries within it are ignored). */
  idempotencyTtlSeconds: number;
  /** PutMetricData requests in flight. 1 keeps the resend window after a crash to a single batch. */
  publishConcurrency: number;
  /** Local emulators (moto) need path-style S3 addressing; real S3 does not. */
  s3ForcePathStyle: boolean;
  /** Lines longer than this are malformed (`line-too-long`) and read in flat memory. */
  maxLineBytes: number;
  /**
   * Where events that can never succeed are recorded (the function's own dead-letter queue), instead of
   * being retried. Unset: they are only logged.
   */
  deadLetterQueueUrl?: string;
}

export class LogParserConfigError extends Error {
  override readonly name = "LogParserConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

function positive(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new LogParserConfigError(`${name}="${text}": expected a positive whole number`);
  return value;
}

export function loadConfig(env: Env = process.env): LogParserConfig {
  const table = env.IDEMPOTENCY_TABLE;
  if (table === undefined || table === "") throw new LogParserConfigError("IDEMPOTENCY_TABLE is not set");
  const prefix = env.LOG_PREFIX ?? "cloudfront/";
  if (prefix !== "" && !prefix.endsWith("/"))
    throw new LogParserConfigError(`LOG_PREFIX="${prefix}": expected a prefix ending in /`);
  return {
    logPrefix: prefix,
    idempotencyTable: table,
    idempotencyTtlSeconds: positive(env, "IDEMPOTENCY_TTL_SECONDS", 7 * 24 * 3600),
    publishConcurrency: positive(env, "PUBLISH_CONCURRENCY", 1),
    s3ForcePathStyle: (env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3 ?? "") !== "",
    maxLineBytes: positive(env, "MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES),
    ...(env.DEAD_LETTER_QUEUE_URL ? { deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL } : {}),
  };
}

const LOG_NAME = /\.(gz|log|txt|json|jsonl)$/i;

/** Why a key is not processed, or undefined when it is an access log this function reads. */
export function skipReason(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return `outside the log prefix "${prefix}"`;
  if (key.endsWith("/")) return "a folder marker";
  if (/\.parquet$/i.test(key))
    return "Parquet output, which this function does not read (deliver W3C or JSON)";
  if (!LOG_NAME.test(key)) return "not a log file name (.gz, .log, .txt, .json, .jsonl)";
  return undefined;
}
