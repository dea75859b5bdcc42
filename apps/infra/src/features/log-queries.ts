import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query/index.js";
import {
  CLOUDFRONT_LOG_COLUMNS,
  CLOUDFRONT_LOG_PARTITION_KEYS,
  CLOUDFRONT_LOGS_TABLE,
  listNamedQueries,
  type NamedQuery,
  renderQuery,
} from "@trackgraph/cloudfront-logs";
import { Construct } from "constructs";
import { AthenaWorkgroup } from "../blocks/athena-workgroup.js";
import type { AwsScope } from "../blocks/aws-scope.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import { GlueJsonTable, type JsonColumn, type ProjectedPartitionKey } from "../blocks/glue-json-table.js";
import type { IGrantable } from "../blocks/grants.js";
import type { Naming } from "../blocks/naming.js";
import { SecureBucket } from "../blocks/secure-bucket.js";

export interface LogQueriesProps {
  /** Names of the database (`_` for `-`), the workgroup and the results bucket. */
  readonly naming: Naming;
  /** The bucket CloudFront's standard logging v2 delivers to; the results bucket logs its access there too. */
  readonly logs: SecureBucket;
  /** The delivery's destination prefix in that bucket (`cloudfront/`), as the edge's log delivery has it. */
  readonly logsPrefix: string;
  /** The distributions whose logs are under the prefix: the values of the projected `distributionid`. */
  readonly distributionIds: string[];
  /** Encrypts the query results. */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** A query that would scan more bytes than this is cancelled (at least 10000000). */
  readonly bytesScannedCutoffPerQuery: number;
  /** Days before query results expire. */
  readonly resultsExpiryDays: number;
  /**
   * Lets `destroy` empty the results bucket and delete the workgroup with its history (dev stacks).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/**
 * Where CloudWatch Logs' vended delivery writes CloudFront's logs below the destination prefix: AWS puts
 * `AWSLogs/<account>/CloudFront/` before the delivery's suffix path (`{DistributionId}/{yyyy}/{MM}/{dd}/{HH}`).
 */
export function vendedLogsRoot(accountId: string): string {
  return `AWSLogs/${accountId}/CloudFront/`;
}

/** The Glue columns of the log table: every column of `cloudfront_logs`, read from its v2 JSON key. */
export function logTableColumns(): JsonColumn[] {
  return CLOUDFRONT_LOG_COLUMNS.map((c) => ({ name: c.name, type: c.athenaType, jsonKey: c.source }));
}

/** The package's partition keys, with the stack's distributions as the `enum` values of `distributionid`. */
export function logTablePartitionKeys(distributionIds: string[]): ProjectedPartitionKey[] {
  return CLOUDFRONT_LOG_PARTITION_KEYS.map((k) => ({
    name: k.name,
    type: k.athenaType,
    projection:
      k.projection.type === "enum" ? { ...k.projection, values: distributionIds.join(",") } : k.projection,
  }));
}

/** A distribution id the named queries accept, swapped for the stack's own after rendering. */
const DISTRIBUTION_STAND_IN = "TGDISTRIBUTIONSTANDIN";

/**
 * A named query's SQL for Athena: the header's default time range written in (named queries take no
 * parameters; edit the range in the console), and the stack's first distribution where the query names one.
 */
export function athenaQueryText(query: NamedQuery, distributionId: string): string {
  return renderQuery(query, "literal", { distribution: DISTRIBUTION_STAND_IN })
    .split(DISTRIBUTION_STAND_IN)
    .join(distributionId);
}

/**
 * SQL over the raw CloudFront logs at scale: a Glue table over the logs bucket's standard-logging-v2
 * layout (JSON lines, partition projection on the distribution and the hour), an Athena workgroup whose
 * settings are enforced (results encrypted with the CMK in a bucket of their own that expires them, a
 * bytes-scanned cutoff per query), and one named query per `.sql` file of @trackgraph/cloudfront-logs.
 * Grants: {@link grantQuery}.
 */
export class LogQueries extends Construct {
  readonly table: GlueJsonTable;
  readonly workgroup: AthenaWorkgroup;
  readonly results: SecureBucket;
  /** The named queries, by the name of their `.sql` file. */
  readonly namedQueries: Record<string, AthenaNamedQuery> = {};
  private readonly logs: SecureBucket;
  private readonly logsPrefix: string;

  constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    const { naming, logs, aws } = props;
    this.logs = logs;
    const prefix = `${props.logsPrefix.replace(/\/$/, "")}/`;
    this.logsPrefix = prefix;
    const root = `s3://${logs.bucketName}/${prefix}${vendedLogsRoot(aws.accountId)}`;
    const partitionKeys = logTablePartitionKeys(props.distributionIds);

    this.table = new GlueJsonTable(this, "table", {
      databaseName: naming.name("logs").replace(/-/g, "_"),
      tableName: CLOUDFRONT_LOGS_TABLE,
      description: "CloudFront access logs (standard logging v2, JSON lines) delivered to the logs bucket",
      columns: logTableColumns(),
      partitionKeys,
      location: root,
      storageLocationTemplate: `${root}${partitionKeys.map((k) => `\${${k.name}}`).join("/")}/`,
      aws,
    });

    this.results = new SecureBucket(this, "results", {
      naming,
      purpose: "athena-results",
      encryption: { kind: "kms", key: props.key },
      versioned: true,
      forceDestroy: props.disposable ?? false,
      noncurrentVersionDays: 1,
      expireCurrentAfterDays: props.resultsExpiryDays,
      accessLogsTo: logs,
      checkovSkips: [
        "CKV_AWS_144: query results are recomputed by running the query again; replication would copy throwaway data.",
        "CKV2_AWS_62: nothing reacts to query results; Athena and Grafana read them on request.",
      ],
    });
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: naming.name("logs"),
      description: "SQL over the raw CloudFront logs (Glue table cloudfront_logs)",
      resultsBucket: this.results,
      key: props.key,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      aws,
      disposable: props.disposable,
    });

    const distribution = props.distributionIds[0] ?? "";
    for (const query of listNamedQueries()) {
      this.namedQueries[query.name] = new AthenaNamedQuery(this, `query-${query.name}`, {
        name: query.name,
        description: query.description.slice(0, 1024),
        database: this.table.databaseName,
        workgroup: this.workgroup.workgroupName,
        query: athenaQueryText(query, distribution),
      });
    }
  }

  /**
   * Lets `grantee` query the logs through this workgroup only: run and read queries and their results
   * (`<sidPrefix>RunQueries`, ...), the table's definition (`<sidPrefix>ReadTable`), and the log objects
   * under the delivery prefix, listing included (`List<sidPrefix>Logs`, `Read<sidPrefix>Logs`).
   */
  grantQuery(grantee: IGrantable, sidPrefix: string): void {
    this.workgroup.grantQuery(grantee, sidPrefix);
    this.table.grantRead(grantee, sidPrefix);
    this.logs.grantRead(grantee, `${sidPrefix}Logs`, this.logsPrefix, { listOnlyPrefix: true });
  }
}
