import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region/index.js";
import { Construct } from "constructs";
import { AddressGroup } from "./address-group.js";

export interface AwsScopeProps {
  /**
   * The construct id the data sources are addressed under. The stacks pass `key`: the data sources were
   * first made inside the encryption key, and keeping their addresses keeps `infra:diff` empty.
   * @default "aws"
   */
  readonly addressPrefix?: string | undefined;
}

/**
 * The account, partition and region a stack deploys to, read once (data sources) and handed to every
 * construct that builds an ARN or a service principal. An {@link AddressGroup}.
 */
export class AwsScope extends AddressGroup {
  /** The account id Terraform runs as. */
  readonly accountId: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The provider's region. */
  readonly region: string;

  constructor(scope: Construct, id: string, props: AwsScopeProps = {}) {
    super(scope, id);
    const at = new Construct(this, props.addressPrefix ?? "aws");
    this.accountId = new DataAwsCallerIdentity(at, "caller").accountId;
    this.partition = new DataAwsPartition(at, "partition").partition;
    this.region = new DataAwsRegion(at, "region").region;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`; `region: ""` for global services (IAM). */
  arn(service: string, resource: string, region: string = this.region): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }

  /** The account's root principal (`arn:<partition>:iam::<account>:root`). */
  get accountRootArn(): string {
    return this.arn("iam", "root", "");
  }

  /** `<service>.<region>.amazonaws.com`: the value of `kms:ViaService` and regional service principals. */
  regionalService(service: string): string {
    return `${service}.${this.region}.amazonaws.com`;
  }
}
