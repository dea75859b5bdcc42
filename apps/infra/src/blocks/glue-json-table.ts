import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database/index.js";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "./aws-scope.js";
import type { IGrantable } from "./grants.js";

/** One data column: its name in SQL, its Glue/Hive type, and the JSON key it is read from. */
export interface JsonColumn {
  /** Column name (lower case, digits and `_`: Athena allows no hyphens). */
  readonly name: string;
  /** Glue/Hive type (`string`, `int`, `bigint`, `double`, `date`). */
  readonly type: string;
  /** The key in the JSON line; a SerDe `mapping.<name>` is written when it differs from `name`. */
  readonly jsonKey: string;
}

/** A partition key whose values Athena projects from the S3 key instead of reading a partition list. */
export interface ProjectedPartitionKey {
  /** Key name, as the storage template writes it: `${name}`. */
  readonly name: string;
  /** Glue type of the key. */
  readonly type: string;
  /** `projection.<name>.<setting>` table properties (`type`, `values`, `format`, `range`, ...). */
  readonly projection: Readonly<Record<string, string>>;
}

export interface GlueJsonTableProps {
  /** The Glue database's name (lower case, digits and `_`). */
  readonly databaseName: string;
  /** The table's name. */
  readonly tableName: string;
  /** What the table holds, shown in the console. */
  readonly description: string;
  /** The data columns, in order. */
  readonly columns: readonly JsonColumn[];
  /** The partition keys, in order. */
  readonly partitionKeys: readonly ProjectedPartitionKey[];
  /** `s3://<bucket>/<prefix>`: the table's root. */
  readonly location: string;
  /** `s3://...${key}...`: where one partition's objects are, every partition key named once. */
  readonly storageLocationTemplate: string;
  /** The account and region whose ARNs the grants name. */
  readonly aws: AwsScope;
}

const OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

/**
 * A Glue database and an external table over JSON lines in S3 (gzip or plain), read with the OpenX JSON
 * SerDe and partitioned by projection: Athena computes the partitions from the table's properties and the
 * storage template, so no crawler runs and no `MSCK REPAIR` is needed. Grants: {@link grantRead} (the
 * catalog, the database and this table; the objects are the bucket's to grant).
 */
export class GlueJsonTable extends Construct {
  /** The database's name. */
  readonly databaseName: string;
  /** The table's name. */
  readonly tableName: string;
  private readonly aws: AwsScope;

  constructor(scope: Construct, id: string, props: GlueJsonTableProps) {
    super(scope, id);
    this.aws = props.aws;
    const database = new GlueCatalogDatabase(this, "database", {
      name: props.databaseName,
      description: props.description,
    });
    const table = new GlueCatalogTable(this, "table", {
      databaseName: database.name,
      name: props.tableName,
      description: props.description,
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "json",
        ...projectionParameters(props.partitionKeys, props.storageLocationTemplate),
      },
      partitionKeys: props.partitionKeys.map((k) => ({ name: k.name, type: k.type })),
      storageDescriptor: {
        location: props.location,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        columns: props.columns.map((c) => ({ name: c.name, type: c.type })),
        serDeInfo: {
          serializationLibrary: OPENX_JSON_SERDE,
          parameters: serDeParameters(props.columns),
        },
      },
    });
    this.databaseName = database.name;
    this.tableName = table.name;
  }

  /**
   * Lets `grantee` read the table's definition and projected partitions: statement `<sidPrefix>ReadTable`
   * on the account's catalog, this database and this table only.
   */
  grantRead(grantee: IGrantable, sidPrefix: string): void {
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}ReadTable`,
      actions: [
        "glue:GetDatabase",
        "glue:GetDatabases",
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
      ],
      resources: [
        this.aws.arn("glue", "catalog"),
        this.aws.arn("glue", `database/${this.databaseName}`),
        this.aws.arn("glue", `table/${this.databaseName}/${this.tableName}`),
      ],
    });
  }
}

/** `projection.enabled`, each key's `projection.<key>.<setting>`, and `storage.location.template`. */
export function projectionParameters(
  keys: readonly ProjectedPartitionKey[],
  storageLocationTemplate: string,
): Record<string, string> {
  for (const key of keys) {
    if (!storageLocationTemplate.includes(`\${${key.name}}`))
      throw new Error(`storage.location.template does not name the partition key \${${key.name}}`);
  }
  const parameters: Record<string, string> = { "projection.enabled": "true" };
  for (const key of keys) {
    for (const [setting, value] of Object.entries(key.projection))
      parameters[`projection.${key.name}.${setting}`] = value;
  }
  parameters["storage.location.template"] = storageLocationTemplate;
  return parameters;
}

/**
 * The OpenX SerDe's settings: keys are matched case-sensitively (CloudFront's `DistributionId` and
 * `cs(User-Agent)` are mixed case), each column whose name is not its key gets `mapping.<column>=<key>`,
 * and a line that is not JSON is skipped as the log parser skips it.
 */
export function serDeParameters(columns: readonly JsonColumn[]): Record<string, string> {
  const parameters: Record<string, string> = {
    "case.insensitive": "FALSE",
    "ignore.malformed.json": "TRUE",
  };
  for (const column of columns) {
    if (column.jsonKey !== column.name) parameters[`mapping.${column.name}`] = column.jsonKey;
  }
  return parameters;
}
