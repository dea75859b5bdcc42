/** What names are made of: the project, and the account when the config pins one. */
export interface NamingProps {
  /** Prefix of every name. */
  readonly project: string;
  /**
   * Makes bucket names deterministic (`<name>-<accountId>`).
   * @default Terraform's `bucket_prefix` adds a unique suffix
   */
  readonly accountId?: string | undefined;
}

/**
 * Resource names: `<project>-<stack>-<purpose>`. Bucket names must be globally unique, so they also carry
 * the account id when the config pins one; otherwise Terraform's bucket_prefix adds a unique suffix.
 */
export class Naming {
  constructor(
    private readonly config: NamingProps,
    readonly stack: string,
  ) {}

  name(purpose: string): string {
    return `${this.config.project}-${this.stack}-${purpose}`;
  }

  /** `bucket` when the name can be made unique here, `bucketPrefix` otherwise. */
  bucket(purpose: string): { bucket: string } | { bucketPrefix: string } {
    const base = this.name(purpose);
    return this.config.accountId === undefined
      ? { bucketPrefix: `${base}-`.slice(0, 37) }
      : { bucket: `${base}-${this.config.accountId}`.slice(0, 63) };
  }
}

/** A name cut to a service's length limit (App Runner configurations, load balancers: 32), without a trailing dash. */
export function limitName(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, "");
}

/**
 * The permissions boundary the bootstrap stack makes and every role of the project must carry: one per
 * project and account, so environment stacks can name it without reading the bootstrap stack's state.
 */
export function boundaryPolicyName(project: string): string {
  return `${project}-workload-boundary`;
}
