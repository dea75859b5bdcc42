import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/load.js";
import { policyDocuments, refAt, resourceAt, synthBootstrap } from "./synth.js";

const json = synthBootstrap();
const doc = (prefix: string) =>
  Object.entries(policyDocuments(json)).find(([id]) => id.startsWith(prefix))?.[1];

describe("bootstrap stack", () => {
  it("makes a versioned, encrypted, private, TLS-only state bucket that keeps old versions for 90 days", () => {
    expect(resourceAt(json, "aws_s3_bucket_versioning", "state/versioning")).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    expect(
      resourceAt(json, "aws_s3_bucket_server_side_encryption_configuration", "state/encryption"),
    ).toMatchObject({
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: refAt(json, "aws_kms_key", "key/key", "arn"),
          },
        },
      ],
    });
    expect(resourceAt(json, "aws_s3_bucket_public_access_block", "state/public-access")).toMatchObject({
      block_public_policy: true,
      restrict_public_buckets: true,
    });
    expect(resourceAt(json, "aws_s3_bucket", "state/bucket")).toMatchObject({ force_destroy: false });
    const lifecycle = resourceAt(json, "aws_s3_bucket_lifecycle_configuration", "state/lifecycle") as {
      rule: Array<Record<string, unknown>>;
    };
    expect(lifecycle.rule[0]).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
    expect(doc("state_policy-document")?.statement[0]).toMatchObject({
      sid: "DenyInsecureTransport",
      effect: "Deny",
    });
    // Its own state stays local: it creates the bucket it would be stored in.
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
  });

  it("makes immutable, scanned, encrypted ECR repositories with a lifecycle", () => {
    for (const name of ["backend", "collector-proxy", "collector-scraper"]) {
      expect(resourceAt(json, "aws_ecr_repository", `ecr-${name}`)).toMatchObject({
        name: `trackgraph/${name}`,
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS" }],
      });
      expect(
        JSON.parse(String(resourceAt(json, "aws_ecr_lifecycle_policy", `ecr-${name}-lifecycle`).policy))
          .rules,
      ).toHaveLength(2);
    }
  });

  it("trusts GitHub's OIDC tokens: pull requests and the deploy branch may plan, only the protected environment may deploy", () => {
    expect(resourceAt(json, "aws_iam_openid_connect_provider", "github-oidc")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    const subjects = (prefix: string) =>
      doc(prefix)?.statement[0]?.condition?.find(
        (c) => c.variable === "token.actions.githubusercontent.com:sub",
      );
    expect(subjects("plan-trust")).toEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values: ["repo:acme/trackgraph:pull_request", "repo:acme/trackgraph:ref:refs/heads/main"],
    });
    expect(subjects("deploy-trust")?.values).toEqual(["repo:acme/trackgraph:environment:production"]);
    expect(doc("deploy-trust")?.statement[0]?.condition).toContainEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:aud",
      values: ["sts.amazonaws.com"],
    });
  });

  it("gives the plan role read-only access and no write at all (plans run with -lock=false)", () => {
    expect(resourceAt(json, "aws_iam_role_policy_attachment", "plan-read-only").policy_arn).toMatch(
      /:iam::aws:policy\/ReadOnlyAccess$/,
    );
    const allows = (doc("plan-state-policy")?.statement ?? []).filter((s) => s.effect === "Allow");
    expect(allows.flatMap((s) => s.actions).sort()).toEqual(["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]);
  });

  it("limits the deploy role's IAM rights to this project's roles", () => {
    const iam = doc("deploy-iam-policy")?.statement.find((s) => s.sid === "ManageProjectRoles");
    expect(iam?.resources).toEqual([expect.stringMatching(/:role\/trackgraph-\*$/)]);
    expect(iam?.actions.every((a) => a.startsWith("iam:"))).toBe(true);
  });

  it("refuses a bootstrap stack without a repository", () => {
    expect(() =>
      parseStackConfig("bootstrap.json", JSON.stringify({ trackgraph: { kind: "bootstrap" } })),
    ).toThrow(/trackgraph\.github: got nothing, expected a bootstrap stack needs github\.repository/);
  });
});
