import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktf/provider-aws/lib/athena-workgroup/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "./aws-scope.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { IGrantable } from "./grants.js";
import type { SecureBucket } from "./secure-bucket.js";

export interface AthenaWorkgroupProps {
  /** The workgroup's name. */
  readonly name: string;
  /** What the workgroup is for, shown in the console. */
  readonly description: string;
  /** Where query results are written (a KMS-encrypted bucket with an expiry lifecycle). */
  readonly resultsBucket: SecureBucket;
  /**
   * Key prefix of the results in that bucket.
   * @default "results/"
   */
  readonly resultsPrefix?: string | undefined;
  /** Encrypts the results (SSE-KMS). */
  readonly key: EncryptionKey;
  /** A query that would scan more bytes than this is cancelled (at least 10000000, Athena's minimum). */
  readonly bytesScannedCutoffPerQuery: number;
  /** The account and region whose ARNs the grants name. */
  readonly aws: AwsScope;
  /**
   * Lets `destroy` delete the workgroup with its named queries and query history (dev stacks).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/**
 * An Athena workgroup whose settings every query must use (`enforce_workgroup_configuration`): results in
 * one encrypted place, a bytes-scanned cutoff per query, and per-workgroup CloudWatch metrics. Grants:
 * {@link grantQuery} (run and read queries in this workgroup only, and their results).
 */
export class AthenaWorkgroup extends Construct {
  /** The workgroup's name. */
  readonly workgroupName: string;
  /** The workgroup's ARN. */
  readonly workgroupArn: string;
  /** `s3://<bucket>/<prefix>`: where results go. */
  readonly outputLocation: string;
  private readonly props: AthenaWorkgroupProps;
  private readonly resultsPrefix: string;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    this.props = props;
    this.resultsPrefix = props.resultsPrefix ?? "results/";
    this.outputLocation = `s3://${props.resultsBucket.bucketName}/${this.resultsPrefix}`;
    const workgroup = new AthenaWorkgroupResource(this, "workgroup", {
      name: props.name,
      description: props.description,
      state: "ENABLED",
      forceDestroy: props.disposable ?? false,
      configuration: {
        // Client-side settings (another output location, no encryption, no cutoff) are ignored.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: this.outputLocation,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.key.keyArn },
          expectedBucketOwner: props.aws.accountId,
        },
      },
    });
    this.workgroupName = workgroup.name;
    this.workgroupArn = workgroup.arn;
  }

  /**
   * Lets `grantee` run queries in this workgroup and nowhere else, and read and write their results:
   * statements `<sidPrefix>RunQueries`, `<sidPrefix>ReadCatalogList`, `<sidPrefix>ResultsBucket`,
   * `<sidPrefix>ResultObjects` and `<sidPrefix>EncryptResults` (the key, through S3 only, for the results
   * bucket's data only).
   */
  grantQuery(grantee: IGrantable, sidPrefix: string): void {
    const { resultsBucket, key, aws } = this.props;
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}RunQueries`,
      actions: [
        "athena:GetWorkGroup",
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryResultsStream",
        "athena:BatchGetQueryExecution",
        "athena:ListQueryExecutions",
        "athena:GetNamedQuery",
        "athena:BatchGetNamedQuery",
        "athena:ListNamedQueries",
      ],
      resources: [this.workgroupArn],
    });
    grantee.addToPrincipalPolicy({
      // Queries name the Glue catalog through Athena's data catalog `AwsDataCatalog`; reading it is not
      // reading data (the tables' own grants are on Glue).
      sid: `${sidPrefix}ReadCatalogList`,
      actions: ["athena:GetDataCatalog"],
      resources: [aws.arn("athena", "datacatalog/AwsDataCatalog")],
    });
    grantee.addToPrincipalPolicy({
      // Athena checks the results bucket's location and lists it; the bucket holds nothing but results.
      sid: `${sidPrefix}ResultsBucket`,
      actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      resources: [resultsBucket.bucketArn],
    });
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}ResultObjects`,
      actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      resources: [resultsBucket.arnForObjects(this.resultsPrefix)],
    });
    key.grant(grantee, {
      sid: `${sidPrefix}EncryptResults`,
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      viaService: "s3",
      // S3 names what it encrypts in the context: the bucket with an S3 Bucket Key (ours), an object
      // without one. Either way, only the results: the key also encrypts the site and the history.
      encryptionContext: {
        "aws:s3:arn": [resultsBucket.bucketArn, resultsBucket.arnForObjects(this.resultsPrefix)],
      },
    });
  }
}
