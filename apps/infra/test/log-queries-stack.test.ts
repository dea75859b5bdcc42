import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_LOG_GROUP_VARIABLE, DATASOURCES } from "@trackgraph/dashboards";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { parseStackConfig } from "../src/config/load.js";
import { artifacts, resources, synthStack, type TerraformJson } from "./synth.js";

const only = (json: TerraformJson, type: string) => {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0] as Record<string, unknown>;
};

describe("logQueries: the Glue table reads where the edge's log delivery writes", () => {
  const { json } = synthStack();
  const table = only(json, "aws_glue_catalog_table") as {
    parameters: Record<string, string>;
    storage_descriptor: { location: string };
  };

  it("has the projection's key template of the delivery's destination and suffix path", () => {
    const destination = only(json, "aws_cloudwatch_log_delivery_destination") as {
      delivery_destination_configuration: Array<{ destination_resource_arn: string }>;
    };
    const delivery = only(json, "aws_cloudwatch_log_delivery") as {
      s3_delivery_configuration: Array<{ suffix_path: string; enable_hive_compatible_path: boolean }>;
    };
    expect(delivery.s3_delivery_configuration[0]?.enable_hive_compatible_path).toBe(false);
    // `${aws_s3_bucket.<logs>.arn}/cloudfront` -> `s3://${aws_s3_bucket.<logs>.bucket}/cloudfront/`
    const arn = destination.delivery_destination_configuration[0]?.destination_resource_arn ?? "";
    const root = arn.replace(/^\$\{(aws_s3_bucket\.[^.]+)\.arn\}\//, "s3://$${$1.bucket}/");
    expect(root).not.toBe(arn);
    const account = Object.keys(json.data.aws_caller_identity ?? {}).map(
      (id) => `\${data.aws_caller_identity.${id}.account_id}`,
    );
    expect(account).toHaveLength(1);
    // The suffix path with the partition keys for its variables: {DistributionId} is distributionid, and
    // the projected datehour's format, each letter group in braces, is the date part.
    const hourFormat = table.parameters["projection.datehour.format"] ?? "";
    const hourPath = hourFormat
      .split("/")
      .map((part) => `{${part}}`)
      .join("/");
    const suffix = delivery.s3_delivery_configuration[0]?.suffix_path ?? "";
    expect(suffix).toContain(hourPath);
    const keyTemplate = suffix
      .replace("{DistributionId}", `\${distributionid}`)
      .replace(hourPath, `\${datehour}`);
    // CloudFront's v2 delivery to S3 puts AWSLogs/<account>/CloudFront/ before the suffix path (AWS's
    // "standard logging (v2)" guide); written out here, not taken from the code under test.
    const vended = `AWSLogs/${account[0] ?? ""}/CloudFront/`;
    expect(table.parameters["storage.location.template"]).toBe(`${root}/${vended}${keyTemplate}/`);
    expect(table.storage_descriptor.location).toBe(`${root}/${vended}`);
  });

  it("projects exactly the stack's distribution", () => {
    expect(table.parameters["projection.distributionid.values"]).toMatch(
      /^\$\{aws_cloudfront_distribution\.[^.]+\.id\}$/,
    );
  });
});

describe("logQueries config", () => {
  it("is on by default, with a 10 GB cutoff", () => {
    const { json } = synthStack();
    const workgroup = only(json, "aws_athena_workgroup") as { configuration: Record<string, unknown> };
    expect(workgroup.configuration.bytes_scanned_cutoff_per_query).toBe(10_000_000_000);
  });

  it("turned off, makes no table, workgroup, query or Grafana grant", () => {
    const { json, text } = synthStack({ logQueries: { enabled: false } });
    for (const type of ["aws_glue_catalog_table", "aws_athena_workgroup", "aws_athena_named_query"])
      expect(json.resource[type], type).toBeUndefined();
    expect(text).not.toContain("AthenaRunQueries");
  });

  it("refuses a cutoff below Athena's 10 MB minimum, naming the key", () => {
    expect(() =>
      parseStackConfig(
        "dev.json",
        JSON.stringify({ trackgraph: { logQueries: { bytesScannedCutoffPerQuery: 9_999_999 } } }),
      ),
    ).toThrow(/trackgraph\.logQueries\.bytesScannedCutoffPerQuery: .*at least 10000000 bytes/);
  });
});

describe("the backend's error lines", () => {
  const filter = (json: TerraformJson) =>
    only(json, "aws_cloudwatch_log_metric_filter") as { log_group_name: string; pattern: string };

  it("are counted on the ECS Express service's own log group", () => {
    const { json } = synthStack();
    expect(filter(json).log_group_name).toMatch(
      /^\$\{aws_cloudwatch_log_group\.backend-service_task_log-group_[^.]+\.name\}$/,
    );
    expect(filter(json).pattern).toContain('$.level = "error"');
  });

  it("are counted on App Runner's application log group, named from the service's id", () => {
    const { json } = synthStack({ backend: { platform: "app-runner" } });
    expect(filter(json).log_group_name).toMatch(
      /^\/aws\/apprunner\/\$\{aws_apprunner_service\.[^.]+\.service_name\}\/\$\{aws_apprunner_service\.[^.]+\.service_id\}\/application$/,
    );
  });
});

describe("the dashboards stack gets the Athena data source and the backend's log group", () => {
  const config = parseStackConfig("prod.json", JSON.stringify({ trackgraph: { environment: "prod" } }));
  const outdir = mkdtempSync(join(tmpdir(), "infra-log-queries-"));
  buildApp({ outdir, stacks: [{ stack: "prod", file: "prod.json", config }], artifacts }).synth();
  const json = JSON.parse(
    readFileSync(join(outdir, "stacks", "prod-dashboards", "cdk.tf.json"), "utf8"),
  ) as TerraformJson;
  const fromEnvironment = (output: string) =>
    expect.stringMatching(
      new RegExp(
        `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-prod\\.outputs\\..*${output}\\}$`,
      ),
    );

  it("provisions Athena's data source on the stack's workgroup and database", () => {
    const athena = resources(json, "grafana_data_source").find((d) => d.uid === DATASOURCES.athena.uid) as {
      type: string;
      json_data_encoded: string;
    };
    expect(athena.type).toBe(DATASOURCES.athena.type);
    expect(JSON.parse(athena.json_data_encoded)).toEqual({
      authType: "ec2",
      defaultRegion: "us-east-1",
      catalog: "AwsDataCatalog",
      database: fromEnvironment("aws_glue_catalog_database.*name"),
      workgroup: fromEnvironment("aws_athena_workgroup.*name"),
    });
  });

  it("fills the backend dashboard's log group variable with the backend's real log group", () => {
    const backend = resources(json, "grafana_dashboard").find((d) =>
      String(d.config_json).includes('"uid":"trackgraph-backend"'),
    ) as { config_json: string };
    const variables = JSON.parse(backend.config_json).templating.list as Array<Record<string, unknown>>;
    expect(variables.find((v) => v.name === BACKEND_LOG_GROUP_VARIABLE)?.query).toEqual(
      fromEnvironment("aws_cloudwatch_log_group.*name"),
    );
  });
});
