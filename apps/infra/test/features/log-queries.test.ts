import {
  CLOUDFRONT_LOG_COLUMNS,
  CLOUDFRONT_LOG_PARTITION_KEYS,
  listNamedQueries,
  namedQuery,
  V2_JSON_FIELDS,
} from "@trackgraph/cloudfront-logs";
import { describe, expect, it } from "vitest";
import { Permissions } from "../../src/blocks/grants.js";
import { athenaQueryText, LogQueries } from "../../src/features/log-queries.js";
import type { TerraformJson } from "../synth.js";
import { freshStack, grantedStatements, only, synthJson } from "./fresh-stack.js";

function logQueriesStack() {
  const fresh = freshStack();
  const queries = new LogQueries(fresh.stack, "log-queries", {
    naming: fresh.naming,
    logs: fresh.logs,
    logsPrefix: "cloudfront/",
    distributionIds: ["E2EXAMPLE"],
    key: fresh.key,
    aws: fresh.aws,
    bytesScannedCutoffPerQuery: 10_000_000_000,
    resultsExpiryDays: 14,
  });
  return { ...fresh, queries };
}

interface GlueTableJson {
  parameters: Record<string, string>;
  partition_keys: Array<{ name: string; type: string }>;
  storage_descriptor: {
    location: string;
    columns: Array<{ name: string; type: string }>;
    ser_de_info: { parameters: Record<string, string> };
  };
}

/** What the synthesized table reads: each JSON key (the SerDe's mapping, else the column's name) and its type. */
function keysTheTableReads(json: TerraformJson): Map<string, string> {
  const table = only(json, "aws_glue_catalog_table") as unknown as GlueTableJson;
  const serde = table.storage_descriptor.ser_de_info.parameters;
  return new Map(table.storage_descriptor.columns.map((c) => [serde[`mapping.${c.name}`] ?? c.name, c.type]));
}

describe("LogQueries: the Glue table is the parser's v2 JSON, typed as the package types it", () => {
  const json = synthJson(logQueriesStack().stack);
  const table = only(json, "aws_glue_catalog_table") as unknown as GlueTableJson;

  it("reads every v2 JSON field the parser reads, as a column or a partition key, and nothing else", () => {
    const read = [...keysTheTableReads(json).keys()];
    const partitionSources = table.partition_keys.map(
      (k) => CLOUDFRONT_LOG_PARTITION_KEYS.find((p) => p.name === k.name)?.source,
    );
    // The parser reads DistributionId from the line; the table has it from the key path instead.
    const partitionFields = partitionSources.filter((s) => s !== undefined && V2_JSON_FIELDS.includes(s));
    expect([...read, ...partitionFields].sort()).toEqual([...V2_JSON_FIELDS].sort());
    expect(new Set(read).size).toBe(read.length);
  });

  it("gives each column the type of CLOUDFRONT_LOG_COLUMNS, in its order", () => {
    expect(table.storage_descriptor.columns).toEqual(
      CLOUDFRONT_LOG_COLUMNS.map((c) => ({ name: c.name, type: c.athenaType })),
    );
    for (const [key, type] of keysTheTableReads(json))
      expect(CLOUDFRONT_LOG_COLUMNS.find((c) => c.source === key)?.athenaType, key).toBe(type);
  });

  it("projects its partitions from the key path: no crawler, no MSCK REPAIR", () => {
    expect(json.resource.aws_glue_crawler).toBeUndefined();
    expect(table.partition_keys).toEqual(
      CLOUDFRONT_LOG_PARTITION_KEYS.map((k) => ({ name: k.name, type: "string" })),
    );
    expect(table.parameters["projection.enabled"]).toBe("true");
    expect(table.parameters["projection.distributionid.values"]).toBe("E2EXAMPLE");
    const template = table.parameters["storage.location.template"] ?? "";
    expect(template).toBe(`${table.storage_descriptor.location}\${distributionid}/\${datehour}/`);
    expect(table.storage_descriptor.location).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.logs_bucket_[^.]+\.bucket\}\/cloudfront\/AWSLogs\/\$\{data\.aws_caller_identity\.[^.]+\.account_id\}\/CloudFront\/$/,
    );
  });
});

describe("LogQueries: workgroup, results and named queries", () => {
  const json = synthJson(logQueriesStack().stack);

  it("cuts queries off at the configured bytes and expires results", () => {
    const workgroup = only(json, "aws_athena_workgroup") as { configuration: Record<string, unknown> };
    expect(workgroup.configuration.bytes_scanned_cutoff_per_query).toBe(10_000_000_000);
    const lifecycles = Object.entries(json.resource.aws_s3_bucket_lifecycle_configuration ?? {});
    const results = lifecycles.find(([id]) => id.includes("results"))?.[1] as {
      rule: Array<{ expiration?: Array<{ days: number }> }>;
    };
    expect(results.rule[0]?.expiration?.[0]?.days).toBe(14);
  });

  it("holds one named query per .sql file, in the workgroup and the database, placeholders filled", () => {
    const named = Object.values(json.resource.aws_athena_named_query ?? {}) as Array<Record<string, string>>;
    expect(named.map((q) => q.name).sort()).toEqual(
      listNamedQueries()
        .map((q) => q.name)
        .sort(),
    );
    for (const q of named) {
      expect(q.workgroup).toMatch(/^\$\{aws_athena_workgroup\.[^.]+\.name\}$/);
      expect(q.database).toMatch(/^\$\{aws_glue_catalog_database\.[^.]+\.name\}$/);
      expect(q.query).not.toContain("{{");
    }
  });

  it("writes the stack's distribution into the queries that name one", () => {
    const sql = athenaQueryText(namedQuery("distribution-minutes"), "E9STACK")
      .split("\n")
      .filter((line) => !line.startsWith("--"))
      .join("\n");
    expect(sql).toContain("'E9STACK'");
    // The header's example id stays in its comment; the SQL itself names the stack's distribution only.
    expect(sql).not.toContain("E2QWRUHAPOMQZL");
  });
});

describe("LogQueries.grantQuery", () => {
  it("grants the workgroup, the table and the log prefix, each once with its own sid", () => {
    const { stack, queries } = logQueriesStack();
    const grantee = new Permissions();
    queries.grantQuery(grantee, "Athena");
    const statements = grantedStatements(stack, grantee);
    expect(statements.map((s) => s.sid)).toEqual([
      "AthenaRunQueries",
      "AthenaReadCatalogList",
      "AthenaResultsBucket",
      "AthenaResultObjects",
      "AthenaEncryptResults",
      "AthenaReadTable",
      "ListAthenaLogs",
      "ReadAthenaLogs",
    ]);
    const results = /^\$\{aws_s3_bucket\.log-queries_results_bucket_[^.]+\.arn\}/;
    expect(statements.find((s) => s.sid === "AthenaEncryptResults")?.condition?.[1]).toEqual({
      test: "StringLike",
      variable: "kms:EncryptionContext:aws:s3:arn",
      values: [
        expect.stringMatching(new RegExp(`${results.source}$`)),
        expect.stringMatching(new RegExp(`${results.source}/results/\\*$`)),
      ],
    });
    const read = statements.find((s) => s.sid === "ReadAthenaLogs");
    expect(read?.resources).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.logs_bucket_[^.]+\.arn\}\/cloudfront\/\*$/),
    ]);
  });
});
