import { LEGACY_FIELDS } from "../fields.js";

/** How a column's text is read: as it is, or as a number (a value that is not one becomes NULL). */
export type ColumnKind = "text" | "date" | "integer" | "bigint" | "double";

/** One column of the `cloudfront_logs` table, the same in Athena (Glue) and in the local DuckDB table. */
export interface LogColumn {
  /** Column name: the log field's name with `-`, `(` and `)` folded to `_` (Athena allows no hyphens). */
  readonly name: string;
  /** The field as CloudFront writes it (v2 JSON key, W3C `#Fields` name). */
  readonly source: string;
  /** Glue/Hive type for the Athena table. */
  readonly athenaType: "string" | "date" | "int" | "bigint" | "double";
  /** DuckDB type of the local table. */
  readonly duckdbType: "VARCHAR" | "DATE" | "INTEGER" | "BIGINT" | "DOUBLE";
  readonly kind: ColumnKind;
}

const TYPES: Record<ColumnKind, Pick<LogColumn, "athenaType" | "duckdbType">> = {
  text: { athenaType: "string", duckdbType: "VARCHAR" },
  date: { athenaType: "date", duckdbType: "DATE" },
  integer: { athenaType: "int", duckdbType: "INTEGER" },
  bigint: { athenaType: "bigint", duckdbType: "BIGINT" },
  double: { athenaType: "double", duckdbType: "DOUBLE" },
};

/**
 * The fields of standard logging v2 beyond the 33 legacy ones (CloudFront developer guide, "Log file
 * fields"; the v2 destination lets the owner pick any of them). `DistributionId` is not among them: it
 * is the table's `distributionid` partition key (see {@link CLOUDFRONT_LOG_PARTITION_KEYS}).
 */
const V2_ONLY_FIELDS = [
  "timestamp",
  "timestamp(ms)",
  "c-country",
  "cache-behavior-path-pattern",
  "cs(Accept-Encoding)",
  "cs(Accept)",
  "origin-fbl",
  "origin-lbl",
  "asn",
] as const;

/** Every field name the parser reads from a standard logging v2 JSON line, as the keys are spelled. */
export const V2_JSON_FIELDS: readonly string[] = [...LEGACY_FIELDS, ...V2_ONLY_FIELDS, "DistributionId"];

/** Fields whose value is a number; every other field is text. */
const KIND_OF: Readonly<Record<string, ColumnKind>> = {
  date: "date",
  "sc-bytes": "bigint",
  "sc-status": "integer",
  "cs-bytes": "bigint",
  "time-taken": "double",
  "fle-encrypted-fields": "integer",
  "c-port": "integer",
  "time-to-first-byte": "double",
  "sc-content-len": "bigint",
  "sc-range-start": "bigint",
  "sc-range-end": "bigint",
  timestamp: "double",
  "timestamp(ms)": "bigint",
  "origin-fbl": "double",
  "origin-lbl": "double",
  asn: "bigint",
};

/** `x-edge-location` → `x_edge_location`, `cs(User-Agent)` → `cs_user_agent`, `timestamp(ms)` → `timestamp_ms`. */
export function columnName(field: string): string {
  return field
    .toLowerCase()
    .replace(/[-()]+/g, "_")
    .replace(/_+$/, "");
}

function column(source: string): LogColumn {
  const kind = KIND_OF[source] ?? "text";
  return { name: columnName(source), source, kind, ...TYPES[kind] };
}

/**
 * The data columns of `cloudfront_logs`, one per log field, in the legacy field order followed by the v2
 * additions. Infra builds the Glue table's columns from this list; the local `cf-logs query` table has
 * exactly these columns plus the partition keys.
 */
export const CLOUDFRONT_LOG_COLUMNS: readonly LogColumn[] = [...LEGACY_FIELDS, ...V2_ONLY_FIELDS].map(column);

/** A partition key of the Athena table, and how its value is found. */
export interface LogPartitionKey {
  readonly name: string;
  readonly athenaType: "string";
  readonly duckdbType: "VARCHAR";
  /** What the value is: a key path segment in S3, derived from the record locally. */
  readonly source: string;
  /** Athena partition projection settings for this key (`projection.<name>.*` table properties). */
  readonly projection: Readonly<Record<string, string>>;
}

/**
 * Partition keys over the delivery layout `<prefix><DistributionId>/<yyyy>/<MM>/<dd>/<HH>/`: the
 * distribution, and the hour as one `yyyy/MM/dd/HH` date key (one projected key spans the four path
 * segments, so a time range prunes with a single comparison). Storage template:
 * `s3://<bucket>/<prefix>${distributionid}/${datehour}/`.
 */
export const CLOUDFRONT_LOG_PARTITION_KEYS: readonly LogPartitionKey[] = [
  {
    name: "distributionid",
    athenaType: "string",
    duckdbType: "VARCHAR",
    source: "DistributionId",
    // `enum`, not `injected`: injected keys make Athena refuse any query without an equality on the key,
    // and most named queries look across the stack's distributions. Infra adds `values` from its config.
    projection: { type: "enum" },
  },
  {
    name: "datehour",
    athenaType: "string",
    duckdbType: "VARCHAR",
    source: "request time, UTC, as yyyy/MM/dd/HH",
    projection: {
      type: "date",
      format: "yyyy/MM/dd/HH",
      range: "NOW-1YEARS,NOW",
      interval: "1",
      "interval.unit": "HOURS",
    },
  },
];

/** The table's name in Athena and in the local DuckDB database. */
export const CLOUDFRONT_LOGS_TABLE = "cloudfront_logs";
