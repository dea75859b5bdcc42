/** A synthesized stack as Terraform JSON (the parts the review reads). */
export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
  terraform?: Record<string, unknown>;
  provider?: Record<string, unknown>;
}

export type Stacks = ReadonlyMap<string, StackJson>;

export interface ResourceChange {
  stack: string;
  /** `type.logicalId`, as Terraform addresses it. */
  address: string;
  type: string;
  action: "add" | "remove" | "change" | "replace";
  /** Attribute paths that differ (changes and replacements). */
  paths: string[];
  /** The paths that force a new resource (replacements). */
  replacedBy: string[];
}

export interface IamChange {
  stack: string;
  /** The policy document (data source) or inline policy it belongs to. */
  policy: string;
  statement: string;
  effect: "Allow" | "Deny";
  actionsGained: string[];
  actionsLost: string[];
  resourcesGained: string[];
  resourcesLost: string[];
  principalsGained: string[];
  principalsLost: string[];
  /** A condition the statement had is gone (or changed). */
  conditionsLost: boolean;
  /** The statement has a condition it did not have (or a changed one). */
  conditionsGained: boolean;
  /** Other fields that differ, by path (`effect`, `not_actions`, ...): the review cannot tell which way. */
  otherChanges: string[];
  /**
   * The statement gives more than before: an Allow with new actions, resources or principals or a lost
   * condition; a Deny that covers less or gained a condition; any change the review cannot read.
   */
  widening: boolean;
}

export interface SecurityChange {
  stack: string;
  address: string;
  concern: "public access" | "encryption" | "deletion protection";
  path: string;
  before: unknown;
  after: unknown;
}

export interface Review {
  stacks: { added: string[]; removed: string[] };
  resources: ResourceChange[];
  iam: IamChange[];
  security: SecurityChange[];
  outputs: Array<{ stack: string; name: string; action: "add" | "remove" | "change" }>;
  backend: Array<{ stack: string; paths: string[] }>;
}
