import { describe, expect, it } from "vitest";
import {
  GlueJsonTable,
  type ProjectedPartitionKey,
  projectionParameters,
  serDeParameters,
} from "../../src/blocks/glue-json-table.js";
import { Permissions } from "../../src/blocks/grants.js";
import { freshStack, grantedStatements, only, synthJson } from "../features/fresh-stack.js";

const KEYS: ProjectedPartitionKey[] = [
  { name: "site", type: "string", projection: { type: "enum", values: "a,b" } },
  {
    name: "day",
    type: "string",
    projection: { type: "date", format: "yyyy/MM/dd", range: "NOW-1YEARS,NOW" },
  },
];

describe("GlueJsonTable", () => {
  it("is an external JSON table with projected partitions and a mapping for each renamed key", () => {
    const { stack, aws } = freshStack();
    new GlueJsonTable(stack, "table", {
      databaseName: "test_db",
      tableName: "events",
      description: "test",
      columns: [
        { name: "status", type: "int", jsonKey: "status" },
        { name: "user_agent", type: "string", jsonKey: "cs(User-Agent)" },
      ],
      partitionKeys: KEYS,
      location: "s3://bucket/events/",
      storageLocationTemplate: `s3://bucket/events/\${site}/\${day}/`,
      aws,
    });
    const json = synthJson(stack);
    expect(only(json, "aws_glue_catalog_database").name).toBe("test_db");
    const table = only(json, "aws_glue_catalog_table") as {
      table_type: string;
      parameters: Record<string, string>;
      partition_keys: unknown[];
      storage_descriptor: {
        columns: unknown[];
        ser_de_info: { serialization_library: string; parameters: Record<string, string> };
      };
    };
    expect(table.table_type).toBe("EXTERNAL_TABLE");
    expect(table.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.site.values": "a,b",
      "projection.day.format": "yyyy/MM/dd",
      "storage.location.template": `s3://bucket/events/\${site}/\${day}/`,
    });
    expect(table.partition_keys).toEqual([
      { name: "site", type: "string" },
      { name: "day", type: "string" },
    ]);
    expect(table.storage_descriptor.columns).toEqual([
      { name: "status", type: "int" },
      { name: "user_agent", type: "string" },
    ]);
    expect(table.storage_descriptor.ser_de_info.serialization_library).toBe(
      "org.openx.data.jsonserde.JsonSerDe",
    );
    expect(table.storage_descriptor.ser_de_info.parameters).toEqual({
      "case.insensitive": "FALSE",
      "ignore.malformed.json": "TRUE",
      "mapping.user_agent": "cs(User-Agent)",
    });
  });

  it("refuses a storage template that leaves a partition key out", () => {
    expect(() => projectionParameters(KEYS, `s3://bucket/events/\${site}/`)).toThrow(
      `storage.location.template does not name the partition key \${day}`,
    );
  });

  it("maps only the columns whose name is not their key", () => {
    expect(serDeParameters([{ name: "a", type: "string", jsonKey: "a" }])).not.toHaveProperty("mapping.a");
  });

  it("grants reading the catalog, this database and this table, nothing else", () => {
    const { stack, aws } = freshStack();
    const table = new GlueJsonTable(stack, "table", {
      databaseName: "test_db",
      tableName: "events",
      description: "test",
      columns: [],
      partitionKeys: [],
      location: "s3://bucket/events/",
      storageLocationTemplate: "s3://bucket/events/",
      aws,
    });
    const grantee = new Permissions();
    table.grantRead(grantee, "Grafana");
    const [statement, ...others] = grantedStatements(stack, grantee);
    expect(others).toEqual([]);
    expect(statement?.sid).toBe("GrafanaReadTable");
    expect(statement?.actions.every((a) => a.startsWith("glue:Get"))).toBe(true);
    expect(statement?.resources?.map((r) => r.replace(/^.*:glue:[^:]*:[^:]*:/, ""))).toEqual([
      "catalog",
      expect.stringMatching(/^database\/\$\{aws_glue_catalog_database\.table_database_[^.]+\.name\}$/),
      expect.stringMatching(
        /^table\/\$\{aws_glue_catalog_database\.table_database_[^.]+\.name\}\/\$\{aws_glue_catalog_table\.table_[^.]+\.name\}$/,
      ),
    ]);
  });
});
