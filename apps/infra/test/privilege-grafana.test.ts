// Grafana's workspace role, evaluated rather than read (as privilege.test.ts does for the bootstrap
// roles): its synthesized policy is rendered to IAM JSON with every reference resolved from the same
// synthesized stack, and requests are put through @cloud-copilot/iam-simulate.
import { type RunSimulationResults, runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { type PolicyStatementJson, policyDocuments, synthStack, type TerraformJson } from "./synth.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const { json } = synthStack({ accountId: ACCOUNT, region: REGION });

function resource(type: string, id: string): Record<string, unknown> {
  const found = json.resource[type]?.[id];
  if (found === undefined) throw new Error(`no ${type}.${id} in the stack`);
  return found;
}

/** The value Terraform would give a reference, read from the synthesized resource it names. */
function resolve(reference: string): string {
  const [head, ...rest] = reference.split(".");
  const [type, id, attribute] = head === "data" ? rest : [head, ...rest];
  if (type === undefined || id === undefined || attribute === undefined) return `unresolved:${reference}`;
  if (head === "data") {
    const data: Record<string, string> = {
      aws_caller_identity: ACCOUNT,
      aws_partition: "aws",
      aws_region: REGION,
    };
    return data[type] ?? `unresolved:${reference}`;
  }
  const r = resource(type, id);
  const arns: Record<string, () => string> = {
    aws_s3_bucket: () => `arn:aws:s3:::${r.bucket}`,
    aws_athena_workgroup: () => `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/${r.name}`,
    aws_kms_key: () => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
    aws_prometheus_workspace: () => `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/ws-${id}`,
    aws_sns_topic: () => `arn:aws:sns:${REGION}:${ACCOUNT}:${r.name}`,
    aws_cloudwatch_log_group: () => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${r.name}`,
  };
  if (attribute === "arn" && arns[type] !== undefined) return arns[type]();
  const value = r[attribute === "bucket" ? "bucket" : "name"];
  return typeof value === "string" ? value : `unresolved:${reference}`;
}

const render = (text: string) => text.replace(/\$\{([^}]+)\}/g, (_, reference: string) => resolve(reference));

function grafanaPolicy(stack: TerraformJson) {
  const found = Object.entries(policyDocuments(stack)).find(([id]) =>
    id.startsWith("telemetry_grafana-role_permissions"),
  );
  if (found === undefined) throw new Error("no policy document for Grafana's role");
  const statements: PolicyStatementJson[] = found[1].statement;
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      Action: s.actions,
      Resource: (s.resources ?? []).map(render),
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

const policy = grafanaPolicy(json);
/** The key policy's first statement (the account administers the key): what lets IAM policies use a KMS key. */
const ACCOUNT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
  ],
};

/** Grafana's role asking for `action` on `resourceArn`: the simulator's whole answer. */
function simulateAsGrafana(
  action: string,
  resourceArn: string,
  contextVariables: Record<string, string> = {},
  identityPolicy: typeof policy = policy,
): Promise<RunSimulationResults> {
  return runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/trackgraph-test-grafana`,
        action,
        resource: { resource: resourceArn, accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: [{ name: "grafana", policy: identityPolicy }],
      ...(action.startsWith("kms:") ? { resourcePolicy: ACCOUNT_KEY_POLICY } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
}

/** The decision alone (`Allowed`, `ImplicitlyDenied`, ...); a simulator error throws. */
async function asGrafana(...request: Parameters<typeof simulateAsGrafana>) {
  const result = await simulateAsGrafana(...request);
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const only = (type: string) => {
  const all = Object.values(json.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0] as Record<string, string>;
};
const bucket = (purpose: string) =>
  Object.values(json.resource.aws_s3_bucket ?? {})
    .map((b) => b.bucket as string)
    .find((name) => name.startsWith(`trackgraph-test-${purpose}-`)) ?? `missing-${purpose}`;

const WORKGROUP = `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/${only("aws_athena_workgroup").name}`;
const DATABASE = only("aws_glue_catalog_database").name;
const TABLE = only("aws_glue_catalog_table").name;
const glue = (path: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${path}`;
const LOG_OBJECT = `arn:aws:s3:::${bucket("logs")}/cloudfront/AWSLogs/${ACCOUNT}/CloudFront/E1/2026/12/02/04/E1.2026-12-02-04.abc.gz`;
const RESULT_OBJECT = `arn:aws:s3:::${bucket("athena-results")}/results/0000-1111.csv`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${Object.keys(json.resource.aws_kms_key ?? {})[0]}`;
/** A KMS request S3 makes on the caller's behalf for the object or bucket `s3Arn`. */
const viaS3 = (s3Arn: string) => ({
  "kms:ViaService": `s3.${REGION}.amazonaws.com`,
  "kms:EncryptionContext:aws:s3:arn": s3Arn,
});

describe("Grafana's role queries the raw logs through its workgroup, and nothing more", () => {
  it("runs and reads queries in the workgroup, reads the table, the log objects and the results", async () => {
    for (const action of ["athena:StartQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup"])
      expect(await asGrafana(action, WORKGROUP), action).toBe("Allowed");
    expect(await asGrafana("glue:GetTable", glue(`table/${DATABASE}/${TABLE}`))).toBe("Allowed");
    expect(await asGrafana("glue:GetPartitions", glue(`table/${DATABASE}/${TABLE}`))).toBe("Allowed");
    expect(await asGrafana("glue:GetDatabase", glue(`database/${DATABASE}`))).toBe("Allowed");
    expect(await asGrafana("s3:GetObject", LOG_OBJECT)).toBe("Allowed");
    expect(await asGrafana("s3:PutObject", RESULT_OBJECT)).toBe("Allowed");
    expect(await asGrafana("s3:GetObject", RESULT_OBJECT)).toBe("Allowed");
  });

  // iam-simulate cannot see an encryption context: it takes variable condition keys only in the
  // `prefix/name` form (aws:PrincipalTag/team) and drops `kms:EncryptionContext:aws:s3:arn` from a request
  // as unknown, so a statement that requires it never matches. The key grant is evaluated here with its
  // context condition taken out (the allowed path and kms:ViaService), and the condition itself is
  // checked against the results bucket in test/blocks/athena-workgroup.test.ts.
  it("the stand-in drops a KMS encryption context from the request (what it cannot evaluate)", async () => {
    const result = await simulateAsGrafana("kms:Decrypt", KEY, viaS3(RESULT_OBJECT));
    expect(JSON.stringify(result)).toContain('"failedBecauseMissing":true');
    expect(result.resultType === "error" ? "error" : result.overallResult).toBe("ImplicitlyDenied");
  });

  it("uses the key through S3 only (the grant evaluated without its encryption-context condition)", async () => {
    const withoutContext = {
      ...policy,
      Statement: policy.Statement.map((s) =>
        s.Sid === "AthenaEncryptResults" && s.Condition !== undefined
          ? { ...s, Condition: { StringEquals: s.Condition.StringEquals ?? {} } }
          : s,
      ),
    };
    const via = (service: string) => ({ "kms:ViaService": `${service}.${REGION}.amazonaws.com` });
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"])
      expect(await asGrafana(action, KEY, via("s3"), withoutContext), action).toBe("Allowed");
    expect(await asGrafana("kms:Decrypt", KEY, via("secretsmanager"), withoutContext)).not.toBe("Allowed");
    expect(await asGrafana("kms:Decrypt", KEY, {}, withoutContext)).not.toBe("Allowed");
  });

  it("cannot use another workgroup, another table, or change the catalog", async () => {
    for (const other of ["primary", "someone-elses"])
      expect(
        await asGrafana(
          "athena:StartQueryExecution",
          `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/${other}`,
        ),
        other,
      ).not.toBe("Allowed");
    expect(await asGrafana("athena:UpdateWorkGroup", WORKGROUP)).not.toBe("Allowed");
    expect(await asGrafana("athena:DeleteNamedQuery", WORKGROUP)).not.toBe("Allowed");
    expect(await asGrafana("glue:GetTable", glue(`table/${DATABASE}/other_table`))).not.toBe("Allowed");
    expect(await asGrafana("glue:GetTable", glue("table/other_db/cloudfront_logs"))).not.toBe("Allowed");
    expect(await asGrafana("glue:DeleteTable", glue(`table/${DATABASE}/${TABLE}`))).not.toBe("Allowed");
    expect(await asGrafana("glue:CreateTable", glue(`database/${DATABASE}`))).not.toBe("Allowed");
  });

  it("reads no other bucket, no other prefix of the logs bucket, and writes no log", async () => {
    for (const purpose of ["site", "spotify-data"])
      expect(await asGrafana("s3:GetObject", `arn:aws:s3:::${bucket(purpose)}/index.html`), purpose).not.toBe(
        "Allowed",
      );
    expect(
      await asGrafana("s3:GetObject", `arn:aws:s3:::${bucket("logs")}/s3-access/site/2026-12-02`),
    ).not.toBe("Allowed");
    expect(await asGrafana("s3:PutObject", LOG_OBJECT)).not.toBe("Allowed");
    expect(await asGrafana("s3:DeleteObject", RESULT_OBJECT)).not.toBe("Allowed");
    expect(
      await asGrafana("s3:PutObject", `arn:aws:s3:::${bucket("athena-results")}/elsewhere/x.csv`),
    ).not.toBe("Allowed");
  });

  it("queries the backend's log group only", async () => {
    const group = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
    expect(await asGrafana("logs:StartQuery", group("/ecs/trackgraph-test-backend"))).toBe("Allowed");
    expect(await asGrafana("logs:StartQuery", group("/aws/lambda/trackgraph-test-log-parser"))).not.toBe(
      "Allowed",
    );
    expect(
      await asGrafana("logs:PutLogEvents", `${group("/ecs/trackgraph-test-backend")}:log-stream:x`),
    ).not.toBe("Allowed");
  });
});
