import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider/index.js";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import { checkovSkips } from "../constructs/checkov.js";
import { EncryptionKey } from "../constructs/encryption-key.js";
import { type PolicyStatement, policyDocument } from "../constructs/policy-statements.js";
import { SecureBucket } from "../constructs/secure-bucket.js";
import { ApplyOrder } from "./apply-order.js";
import { repositoryName } from "./images.js";
import { boundaryPolicyName, Naming } from "./naming.js";
import { awsProvider } from "./provider.js";
import { configureStateBackend } from "./state-backend.js";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface BootstrapStackProps {
  stackName: string;
  config: TrackgraphConfig;
}

/**
 * Applied once per account, before any environment stack: the Terraform state bucket, the ECR
 * repositories, and GitHub's OIDC provider with two roles: a read-only plan role for pull requests and a
 * deploy role that only the protected GitHub environment can assume.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, props.stackName);
    const { config, stackName } = props;
    const github = config.github;
    if (github === undefined) throw new Error("a bootstrap stack needs github.repository");
    // Its own state stays local until the bucket it creates exists; see the README for the migration.
    configureStateBackend(this, stackName, { ...config, state: undefined });
    Aspects.of(this).add(new ApplyOrder());
    awsProvider(this, stackName, config);
    const naming = new Naming(config, stackName);
    const key = new EncryptionKey(this, "key", {
      alias: naming.name("state"),
      description: `TrackGraph ${stackName}: Terraform state and container images`,
    });

    const state = new SecureBucket(this, "state", {
      naming,
      purpose: "tfstate",
      encryption: { kind: "kms", key },
      versioned: true,
      forceDestroy: false,
      noncurrentVersionDays: config.bootstrap.stateNoncurrentVersionDays,
      checkovSkips: [
        "CKV_AWS_18: no server access log: a second bucket only for this bucket's access logs, in every account; who read or wrote state is recorded only where the account's CloudTrail logs S3 data events, which this stack does not turn on (the README says so).",
        "CKV_AWS_144: versioning keeps every state; cross-region replication of a few kilobytes would add a second region to bootstrap.",
        "CKV2_AWS_62: nothing reacts to state writes.",
      ],
    });

    const extraRegions = config.bootstrap.imageRegions.filter((r) => r !== config.region);
    const regional = extraRegions.map((region) =>
      awsProvider(this, stackName, config, {
        id: `aws-${region}`,
        alias: region.replaceAll("-", "_"),
        region,
      }),
    );
    const repositories = config.bootstrap.ecrRepositories.map((name) =>
      imageRepository(this, `ecr-${name}`, repositoryName(config.project, name), key.key.arn),
    );
    for (const [i, provider] of regional.entries()) {
      for (const name of config.bootstrap.ecrRepositories) {
        // A CMK serves its own region only: the copies elsewhere use ECR's AWS-managed key.
        imageRepository(
          this,
          `ecr-${name}-${extraRegions[i]}`,
          repositoryName(config.project, name),
          undefined,
          provider,
        );
      }
    }

    const oidc =
      github.oidcProvider === "existing"
        ? new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: `https://${GITHUB_OIDC}` })
        : new IamOpenidConnectProvider(this, "github-oidc", {
            url: `https://${GITHUB_OIDC}`,
            clientIdList: ["sts.amazonaws.com"],
          });
    const repo = `repo:${github.repository}`;
    const trust = (id: string, subjects: string[]) =>
      policyDocument(this, id, [
        {
          sid: "GitHubActionsAssumes",
          principals: [{ type: "Federated", identifiers: [oidc.arn] }],
          actions: ["sts:AssumeRoleWithWebIdentity"],
          conditions: [
            { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
            { test: "StringEquals", variable: `${GITHUB_OIDC}:sub`, values: subjects },
          ],
        },
      ]);

    const iamArn = (path: string) => `arn:${key.partition}:iam::${key.accountId}:${path}`;
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
    const boundary = new IamPolicy(this, "workload-boundary", {
      name: boundaryPolicyName(config.project),
      description: "The most any role of this project may do: nothing in IAM, Organizations or Account",
      policy: boundaryDocument.json,
    });

    // Plan: pull requests and the deploy branch. Reads, never writes: plans run with -lock=false, so not
    // even a lock file; a pull request's job cannot delete another run's lock or change state.
    const plan = new IamRole(this, "plan-role", {
      name: naming.name("plan"),
      description: "terraform plan from GitHub Actions: read-only, state read without locking",
      assumeRolePolicy: trust("plan-trust", [
        `${repo}:pull_request`,
        `${repo}:ref:refs/heads/${github.deployBranch}`,
      ]).json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: plan.name,
      policyArn: `arn:${key.partition}:iam::aws:policy/ReadOnlyAccess`,
    });
    new IamRolePolicy(this, "plan-state", {
      role: plan.id,
      name: "terraform-state",
      policy: policyDocument(this, "plan-state-policy", [
        { sid: "ListState", actions: ["s3:ListBucket"], resources: [state.arn] },
        { sid: "ReadState", actions: ["s3:GetObject"], resources: [state.objectsArn()] },
        {
          // The state is encrypted with this key; reading it needs Decrypt, and nothing else.
          sid: "StateKey",
          actions: ["kms:Decrypt"],
          resources: [key.key.arn],
        },
        {
          // ReadOnlyAccess also reads data, which a plan never needs (refresh reads configuration): a
          // pull request's job must not read the logs, the Spotify data or any secret. State is spared.
          sid: "NoObjectsOrDecryptButState",
          effect: "Deny",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"],
          notResources: [state.objectsArn(), key.key.arn],
        },
        {
          sid: "NoDataReads",
          effect: "Deny",
          actions: PLAN_NEVER_READS,
          resources: ["*"],
        },
      ]).json,
    });

    // Deploy: only jobs in the protected GitHub environment (its branch rule admits only the deploy branch).
    const deploy = new IamRole(this, "deploy-role", {
      name: naming.name("deploy"),
      description: "pnpm run deploy from the protected GitHub environment",
      assumeRolePolicy: trust("deploy-trust", [`${repo}:environment:${github.deployEnvironment}`]).json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "deploy-power-user", {
      role: deploy.name,
      policyArn: `arn:${key.partition}:iam::aws:policy/PowerUserAccess`,
    });
    const projectRoles = iamArn(`role/${config.project}-*`);
    const bootstrapRoles = iamArn(`role/${naming.name("*")}`);
    new IamRolePolicy(this, "deploy-iam", {
      role: deploy.id,
      name: "project-roles",
      policy: policyDocument(this, "deploy-iam-policy", [
        ...deployRoleIam(projectRoles, boundary.arn),
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
          resources: [bootstrapRoles, boundary.arn],
        },
        { sid: "WriteState", actions: ["s3:ListBucket"], resources: [state.arn] },
        {
          sid: "WriteStateObjects",
          actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          resources: [state.objectsArn()],
        },
        {
          sid: "StateKey",
          actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
          resources: [key.key.arn],
        },
      ]).json,
    });

    new TerraformOutput(this, "state_bucket", { value: state.name });
    new TerraformOutput(this, "state_kms_key_arn", { value: key.key.arn });
    new TerraformOutput(this, "plan_role_arn", { value: plan.arn });
    new TerraformOutput(this, "deploy_role_arn", { value: deploy.arn });
    new TerraformOutput(this, "workload_boundary_arn", { value: boundary.arn });
    new TerraformOutput(this, "ecr_repositories", {
      value: Object.fromEntries(
        repositories.map((r, i) => [config.bootstrap.ecrRepositories[i], r.repositoryUrl]),
      ),
    });
  }
}

/** An IMMUTABLE, scanned, KMS-encrypted repository that keeps the last 50 images. */
function imageRepository(
  scope: Construct,
  id: string,
  name: string,
  kmsKeyArn: string | undefined,
  provider?: AwsProvider,
): EcrRepository {
  const repository = new EcrRepository(scope, id, {
    name,
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: [
      { encryptionType: "KMS", ...(kmsKeyArn === undefined ? {} : { kmsKey: kmsKeyArn }) },
    ],
    ...(provider === undefined ? {} : { provider }),
  });
  new EcrLifecyclePolicy(scope, `${id}-lifecycle`, {
    repository: repository.name,
    ...(provider === undefined ? {} : { provider }),
    policy: JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: "untagged images go after 7 days",
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 7,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "keep the last 50 images",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
          action: { type: "expire" },
        },
      ],
    }),
  });
  return repository;
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
