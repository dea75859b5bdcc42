import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATASOURCES } from "@trackgraph/dashboards";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { parseStackConfig } from "../src/config/load.js";
import { artifacts, resources, type TerraformJson } from "./synth.js";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped; these tests read nested blocks.
type Block = Record<string, any>;

/** The real app, as `pnpm synth` builds it: cross-stack references are resolved when the app synthesizes. */
function synthPair() {
  const config = parseStackConfig("prod.json", JSON.stringify({ trackgraph: { environment: "prod" } }));
  const outdir = mkdtempSync(join(tmpdir(), "infra-dashboards-"));
  buildApp({
    outdir,
    stacks: [{ stack: "prod", file: "prod.json", config }],
    artifacts,
  }).synth();
  const read = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
  return { json: read("prod-dashboards"), upstream: read("prod") };
}

const { json, upstream } = synthPair();
/** A Terraform interpolation, `${expr}`, as the synthesized JSON holds it. */
const tf = (expr: string) => `$\{${expr}}`;
const remote = (output: RegExp) =>
  expect.stringMatching(
    new RegExp(
      `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-prod\\.outputs\\.${output.source}\\}$`,
    ),
  );

describe("the dashboards stack", () => {
  it("uses the Grafana provider (generic cdktf constructs) with the workspace URL, and no token in any state", () => {
    expect(json.terraform.required_providers).toEqual({
      grafana: { source: "grafana/grafana", version: "~> 4.10" },
    });
    const [provider] = json.provider.grafana as Block[];
    expect(provider?.url).toMatch(
      /^https:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod\.outputs\..*grafana.*endpoint\}$/,
    );
    // The token comes from GRAFANA_AUTH at apply time (minted by the deploy for an hour), never from
    // configuration or state: neither stack has a token resource or output.
    expect(provider?.auth).toBeUndefined();
    for (const stack of [json, upstream]) {
      expect(stack.resource.aws_grafana_workspace_service_account_token).toBeUndefined();
      expect(Object.keys(stack.output ?? {}).filter((name) => /token/i.test(name))).toEqual([]);
    }
    expect(resources(upstream, "aws_grafana_workspace_service_account")[0]).toMatchObject({
      grafana_role: "ADMIN",
      workspace_id: expect.stringMatching(/^\$\{aws_grafana_workspace\.telemetry_grafana_/),
    });
    expect(Object.keys(upstream.output)).toEqual(
      expect.arrayContaining(["grafana_workspace_id", "grafana_service_account_id"]),
    );
  });

  it("reads the environment stack's outputs through remote state, which that stack exports", () => {
    const state = (json.data.terraform_remote_state ?? {}) as Record<string, Block>;
    expect(Object.keys(state)).toEqual(["cross-stack-reference-input-prod"]);
    const exported = Object.keys(upstream.output).filter((o) => o.startsWith("cross-stack-output-"));
    expect(exported.length).toBeGreaterThanOrEqual(6);
    const text = JSON.stringify(json);
    for (const [, name] of text.matchAll(/cross-stack-reference-input-prod\.outputs\.([\w-]+)/g))
      expect(exported).toContain(name);
  });

  it("provisions the three data sources under the uids the dashboards use, Prometheus signed with SigV4", () => {
    const sources = resources(json, "grafana_data_source") as Block[];
    expect(sources.map((s) => s.uid).sort()).toEqual(
      Object.values(DATASOURCES)
        .map((d) => d.uid)
        .sort(),
    );
    const prometheus = sources.find((s) => s.uid === DATASOURCES.prometheus.uid) as Block;
    expect(prometheus.url).toEqual(remote(/.*prometheus.*prometheus_endpoint/));
    expect(JSON.parse(prometheus.json_data_encoded)).toMatchObject({ sigV4Auth: true, sigV4AuthType: "ec2" });
  });

  it("puts every dashboard in the folder, filled with the environment's names, and nothing else for Terraform to interpolate", () => {
    const dashboards = resources(json, "grafana_dashboard") as Block[];
    expect(dashboards).toHaveLength(4);
    for (const d of dashboards) {
      expect(d.folder).toBe(tf("grafana_folder.folder.uid"));
      expect(d.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^grafana_data_source\./)]));
      // The only ${...} are the cross-stack references; %{ would be a Terraform template directive.
      for (const [ref] of String(d.config_json).matchAll(/\$\{[^}]*\}/g))
        expect(ref).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod\.outputs\./);
      expect(d.config_json).not.toContain("%{");
    }
    const edge = dashboards.find((d) => String(d.config_json).includes('"uid":"trackgraph-edge"')) as Block;
    expect(edge.config_json).toMatch(
      /"query":"\$\{data\.terraform_remote_state\.[^}]*cloudfront_distribution[^}]*\}"/,
    );
  });

  it("routes Grafana's alerts to the environment's SNS topic", () => {
    const contact = resources(json, "grafana_contact_point")[0] as Block;
    expect(contact.sns).toEqual([
      expect.objectContaining({ topic: remote(/.*sns_topic.*arn/), auth_provider: "default" }),
    ]);
    expect(resources(json, "grafana_notification_policy")[0]?.contact_point).toBe(
      tf("grafana_contact_point.contact-point.name"),
    );
    const workspace = resources(upstream, "aws_grafana_workspace")[0] as Block;
    expect(workspace.notification_destinations).toEqual(["SNS"]);
  });

  it("provisions the Grafana rules on its data sources, in the folder, after the data sources", () => {
    const groups = resources(json, "grafana_rule_group");
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      name: "trackgraph-datasources",
      folder_uid: expect.stringContaining("grafana_folder."),
    });
    expect(((groups[0]?.depends_on ?? []) as string[]).length).toBeGreaterThanOrEqual(3);
  });
});
