import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import type { Construct } from "constructs";
import { AddressGroup } from "../blocks/address-group.js";
import { checkovSkips } from "../blocks/checkov.js";
import { type PolicyStatement, policyDocument } from "../blocks/policy-statements.js";

export interface WorkloadBoundaryProps {
  /** The policy's name (`<project>-workload-boundary`: environment stacks name it without reading state). */
  readonly name: string;
}

/** Service-linked roles the project's services may create (ECS Express's infrastructure role asks for them). */
const LINKED_SERVICES = [
  "ecs.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
];

/**
 * The permissions boundary of every project role: all of AWS but IAM, Organizations and Account, so no
 * workload can grant itself or anyone more, and service-linked roles (whose policies AWS fixes).
 */
function workloadBoundary(): PolicyStatement[] {
  return [
    {
      sid: "AnythingButIdentity",
      actions: [],
      notActions: ["iam:*", "organizations:*", "account:*"],
      resources: ["*"],
    },
    {
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: LINKED_SERVICES }],
    },
  ];
}

/**
 * The managed policy every role of the project carries as its permissions boundary (the deploy role may
 * create roles only with it). An {@link AddressGroup}: addressed as its scope's (`workload-boundary`).
 */
export class WorkloadBoundary extends AddressGroup {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: WorkloadBoundaryProps) {
    super(scope, id);
    const boundaryDocument = policyDocument(this, "workload-boundary-policy", workloadBoundary());
    const ceiling =
      "a permissions boundary grants nothing by itself: it caps what a role's own policies grant, and its NotAction on IAM, Organizations and Account is what keeps every project role from escalating (test/privilege.test.ts evaluates it)";
    checkovSkips(boundaryDocument, [
      `CKV_AWS_107: ${ceiling}.`,
      `CKV_AWS_108: ${ceiling}.`,
      `CKV_AWS_109: ${ceiling}.`,
      `CKV_AWS_110: ${ceiling}; the only IAM action it admits is CreateServiceLinkedRole for three named services.`,
      `CKV_AWS_111: ${ceiling}.`,
      `CKV_AWS_356: ${ceiling}; "*" is every resource a role's own policy may name, each of which names its own.`,
    ]);
    this.policy = new IamPolicy(this, "workload-boundary", {
      name: props.name,
      description: "The most any role of this project may do: nothing in IAM, Organizations or Account",
      policy: boundaryDocument.json,
    });
  }

  get arn(): string {
    return this.policy.arn;
  }
}
