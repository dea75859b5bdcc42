import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider/index.js";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import type { Construct } from "constructs";
import { AddressGroup } from "../blocks/address-group.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import { type PolicyStatement, policyDocument } from "../blocks/policy-statements.js";
import type { SecureBucket } from "../blocks/secure-bucket.js";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface GitHubDeployRolesProps {
  /** `owner/name` of the GitHub repository whose workflows assume the roles. */
  readonly repository: string;
  /** The branch whose pushes may plan (with pull requests). */
  readonly deployBranch: string;
  /** The protected GitHub environment whose jobs alone may assume the deploy role. */
  readonly deployEnvironment: string;
  /**
   * Use the account's existing GitHub OIDC provider (a second bootstrap stack in one account).
   * @default false: create it
   */
  readonly existingOidcProvider?: boolean | undefined;
  /** The plan role's name. */
  readonly planRoleName: string;
  /** The deploy role's name. */
  readonly deployRoleName: string;
  /** The AWS partition, for AWS managed policy ARNs. */
  readonly partition: string;
  /** ARN pattern of the project's roles (`role/<project>-*`): the deploy role's IAM reach. */
  readonly projectRolesArn: string;
  /** ARN pattern of the bootstrap stack's own roles, which the deploy role may only read. */
  readonly bootstrapRolesArn: string;
  /** The workload boundary: roles the deploy role creates must carry it. */
  readonly boundaryArn: string;
  /** The Terraform state bucket: the plan role reads it, the deploy role writes it. */
  readonly state: SecureBucket;
  /** The key the state is encrypted with. */
  readonly stateKey: EncryptionKey;
}

/**
 * GitHub's OIDC provider and the two roles GitHub Actions assumes: **plan** (pull requests and the deploy
 * branch: ReadOnlyAccess, reading the state, no data) and **deploy** (only the protected environment:
 * PowerUserAccess, the project's roles under the workload boundary, writing the state). An
 * {@link AddressGroup}: its resources are addressed as its scope's.
 */
export class GitHubDeployRoles extends AddressGroup {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  private readonly oidcArn: string;
  private readonly repo: string;

  constructor(scope: Construct, id: string, props: GitHubDeployRolesProps) {
    super(scope, id);
    this.oidcArn = (
      props.existingOidcProvider === true
        ? new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: `https://${GITHUB_OIDC}` })
        : new IamOpenidConnectProvider(this, "github-oidc", {
            url: `https://${GITHUB_OIDC}`,
            clientIdList: ["sts.amazonaws.com"],
          })
    ).arn;
    this.repo = `repo:${props.repository}`;
    this.planRole = this.plan(props);
    this.deployRole = this.deploy(props);
  }

  /** A trust policy for GitHub Actions jobs whose token's subject is one of `subjects`. */
  private trust(id: string, subjects: string[]) {
    return policyDocument(this, id, [
      {
        sid: "GitHubActionsAssumes",
        principals: [{ type: "Federated", identifiers: [this.oidcArn] }],
        actions: ["sts:AssumeRoleWithWebIdentity"],
        conditions: [
          { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
          { test: "StringEquals", variable: `${GITHUB_OIDC}:sub`, values: subjects },
        ],
      },
    ]);
  }

  /**
   * Plan: pull requests and the deploy branch. Reads, never writes: plans run with -lock=false, so not
   * even a lock file; a pull request's job cannot delete another run's lock or change state.
   */
  private plan(props: GitHubDeployRolesProps): IamRole {
    const { state, stateKey } = props;
    const plan = new IamRole(this, "plan-role", {
      name: props.planRoleName,
      description: "terraform plan from GitHub Actions: read-only, state read without locking",
      assumeRolePolicy: this.trust("plan-trust", [
        `${this.repo}:pull_request`,
        `${this.repo}:ref:refs/heads/${props.deployBranch}`,
      ]).json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: plan.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/ReadOnlyAccess`,
    });
    new IamRolePolicy(this, "plan-state", {
      role: plan.id,
      name: "terraform-state",
      policy: policyDocument(this, "plan-state-policy", [
        { sid: "ListState", actions: ["s3:ListBucket"], resources: [state.bucketArn] },
        { sid: "ReadState", actions: ["s3:GetObject"], resources: [state.arnForObjects()] },
        {
          // The state is encrypted with this key; reading it needs Decrypt, and nothing else.
          sid: "StateKey",
          actions: ["kms:Decrypt"],
          resources: [stateKey.keyArn],
        },
        {
          // ReadOnlyAccess also reads data, which a plan never needs (refresh reads configuration): a
          // pull request's job must not read the logs, the Spotify data or any secret. State is spared.
          sid: "NoObjectsOrDecryptButState",
          effect: "Deny",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"],
          notResources: [state.arnForObjects(), stateKey.keyArn],
        },
        {
          sid: "NoDataReads",
          effect: "Deny",
          actions: PLAN_NEVER_READS,
          resources: ["*"],
        },
      ]).json,
    });
    return plan;
  }

  /** Deploy: only jobs in the protected GitHub environment (its branch rule admits only the deploy branch). */
  private deploy(props: GitHubDeployRolesProps): IamRole {
    const { state, stateKey } = props;
    const deploy = new IamRole(this, "deploy-role", {
      name: props.deployRoleName,
      description: "pnpm run deploy from the protected GitHub environment",
      assumeRolePolicy: this.trust("deploy-trust", [`${this.repo}:environment:${props.deployEnvironment}`])
        .json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "deploy-power-user", {
      role: deploy.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/PowerUserAccess`,
    });
    new IamRolePolicy(this, "deploy-iam", {
      role: deploy.id,
      name: "project-roles",
      policy: policyDocument(this, "deploy-iam-policy", [
        ...deployRoleIam(props.projectRolesArn, props.boundaryArn),
        {
          // The bootstrap stack's own roles (this one, the plan role) and the boundary are a person's to
          // change: the deploy role may read them and nothing else, whatever the statements above admit.
          sid: "NeverTheBootstrapRolesOrBoundary",
          effect: "Deny",
          actions: [],
          notActions: [
            "iam:GetRole",
            "iam:GetRolePolicy",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:ListPolicyVersions",
          ],
          resources: [props.bootstrapRolesArn, props.boundaryArn],
        },
        { sid: "WriteState", actions: ["s3:ListBucket"], resources: [state.bucketArn] },
        {
          sid: "WriteStateObjects",
          actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          resources: [state.arnForObjects()],
        },
        {
          sid: "StateKey",
          actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
          resources: [stateKey.keyArn],
        },
      ]).json,
    });
    return deploy;
  }
}

/** Data-plane reads in ReadOnlyAccess that no Terraform refresh of our resource types makes. */
export const PLAN_NEVER_READS = [
  "secretsmanager:GetSecretValue",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "sqs:ReceiveMessage",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "aps:QueryMetrics",
  "xray:BatchGetTraces",
];

/** The services the project's roles are handed to (App Runner, ECS tasks and Express, Lambda, Grafana). */
export const PASSED_TO_SERVICES = [
  "apprunner.amazonaws.com",
  "build.apprunner.amazonaws.com",
  "tasks.apprunner.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "lambda.amazonaws.com",
  "grafana.amazonaws.com",
];

/**
 * IAM for the deploy role, which PowerUserAccess leaves out: roles named for the project only, created and
 * given policies only with the workload boundary attached, never without it, and passed only to the
 * services that run them. So nothing the deploy role makes can do more than the boundary allows.
 */
function deployRoleIam(projectRoles: string, boundaryArn: string): PolicyStatement[] {
  const withBoundary = [{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundaryArn] }];
  return [
    {
      sid: "CreateBoundedProjectRoles",
      actions: [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
      ],
      resources: [projectRoles],
      conditions: withBoundary,
    },
    {
      // Reading and removing need no boundary condition: they cannot widen anything.
      sid: "ManageProjectRoles",
      actions: [
        "iam:GetRole",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:DetachRolePolicy",
        "iam:ListInstanceProfilesForRole",
        "iam:ListRoleTags",
      ],
      resources: [projectRoles],
    },
    {
      // The deploy checks that ECS's and its load balancers' service-linked roles exist before it creates
      // any (PowerUserAccess may create them, but reads no role).
      sid: "ReadServiceLinkedRoles",
      actions: ["iam:GetRole"],
      resources: [projectRoles.replace(/role\/.*$/, "role/aws-service-role/*")],
    },
    {
      sid: "PassProjectRolesToTheirServices",
      actions: ["iam:PassRole"],
      resources: [projectRoles],
      conditions: [{ test: "StringEquals", variable: "iam:PassedToService", values: PASSED_TO_SERVICES }],
    },
  ];
}
