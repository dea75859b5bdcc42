import { describe, expect, it } from "vitest";
import { Permissions } from "../../src/blocks/grants.js";
import { freshStack, grantedStatements, only, synthJson } from "../features/fresh-stack.js";
import { policyDocuments } from "../synth.js";

describe("EncryptionKey", () => {
  it("rotates, keeps the account as administrator first, and takes service statements on its policy", () => {
    const { stack, key } = freshStack();
    key.addToResourcePolicy({
      sid: "LogsEncrypt",
      principals: [{ type: "Service", identifiers: ["logs.amazonaws.com"] }],
      actions: ["kms:Encrypt"],
    });
    const json = synthJson(stack);
    expect(only(json, "aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    const policy = Object.entries(policyDocuments(json)).find(([id]) => id.startsWith("key_policy-document"));
    expect(policy?.[1].statement.map((s) => [s.sid, s.resources])).toEqual([
      ["AccountAdministers", ["*"]],
      ["LogsEncrypt", ["*"]],
    ]);
    expect(policy?.[1].statement[0]?.principals?.[0]?.identifiers[0]).toMatch(
      /^arn:\$\{data\.aws_partition\..*\}:iam::\$\{data\.aws_caller_identity\..*\}:root$/,
    );
  });

  it("grants on its own ARN: decrypt through a service, or decrypt and data keys", () => {
    const { stack, key } = freshStack();
    const user = new Permissions();
    key.grantDecrypt(user, "ViaSqs", "sqs");
    key.grantEncryptDecrypt(user, "UseKey");
    const [via, use] = grantedStatements(stack, user);
    expect(via).toMatchObject({ sid: "ViaSqs", actions: ["kms:Decrypt"] });
    expect(via?.resources?.[0]).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
    expect(via?.condition?.[0]?.values[0]).toMatch(/^sqs\.\$\{data\.aws_region\..*\}\.amazonaws\.com$/);
    expect(use).toMatchObject({ sid: "UseKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"] });
    expect(use?.condition).toBeUndefined();
  });

  it("refuses two statements with one sid", () => {
    const { key } = freshStack();
    key.addToResourcePolicy({ sid: "Twice", actions: ["kms:Decrypt"] });
    expect(() => key.addToResourcePolicy({ sid: "Twice", actions: ["kms:Encrypt"] })).toThrow(/duplicate/);
  });
});
