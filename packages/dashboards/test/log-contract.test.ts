import { describe, expect, it } from "vitest";
import {
  BACKEND_LOG_GROUP_VARIABLE,
  BACKEND_LOG_QUERIES,
  backendDashboard,
  DATASOURCES,
  EXAMPLE_CONTEXT,
  linkedJsonData,
  logQueries,
  logQueryFields,
  verifyLogFields,
} from "../src/index.js";

describe("the backend dashboard's logs panels", () => {
  const d = backendDashboard(EXAMPLE_CONTEXT);
  const queries = logQueries([d]);

  it("query the backend's log group in CloudWatch Logs Insights, by trace id and by level", () => {
    expect(queries.map((q) => q.panel)).toEqual([
      "Log lines of trace $trace_id",
      "Log lines at level $level",
    ]);
    const panels = (d.panels ?? []).filter((p) => p.type === "logs");
    for (const panel of panels) {
      expect("datasource" in panel && panel.datasource?.uid).toBe(DATASOURCES.cloudwatch.uid);
      const target = ("targets" in panel ? panel.targets?.[0] : undefined) as unknown as Record<
        string,
        unknown
      >;
      expect(target).toMatchObject({
        queryMode: "Logs",
        region: "$region",
        logGroupNames: [`$${BACKEND_LOG_GROUP_VARIABLE}`],
      });
    }
    const variables = (d.templating?.list ?? []).map((v) => [v.name, v.current?.value]);
    expect(variables).toEqual([
      ["region", EXAMPLE_CONTEXT.region],
      [BACKEND_LOG_GROUP_VARIABLE, "/ecs/trackgraph-prod-backend"],
      ["trace_id", ""],
      ["level", "error"],
    ]);
  });

  it("alias the X-Ray trace id to @xrayTraceId, which the CloudWatch data source links to X-Ray", () => {
    for (const q of queries) expect(q.expression).toContain("xray_trace_id as @xrayTraceId");
    expect(linkedJsonData("eu-west-1").cloudwatch).toEqual({
      authType: "ec2",
      defaultRegion: "eu-west-1",
      tracingDatasourceUid: DATASOURCES.xray.uid,
    });
    expect(linkedJsonData("eu-west-1").xray.tracesToLogs).toEqual({
      datasourceUid: DATASOURCES.cloudwatch.uid,
    });
  });
});

describe("logQueryFields", () => {
  it("finds the fields a query reads, not literals, variables, @ fields, words or aliases", () => {
    expect(logQueryFields(BACKEND_LOG_QUERIES.byTrace).sort()).toEqual(
      [
        "level",
        "msg",
        "method",
        "route",
        "path",
        "status",
        "duration_ms",
        "bytes",
        "span_id",
        "err.message",
        "err.stack",
        "xray_trace_id",
        "trace_id",
      ].sort(),
    );
    expect(
      logQueryFields(
        'fields @timestamp, a.b as c | filter d like /x.y/ and e = "f g" | stats count(*) by bin(5m), h',
      ),
    ).toEqual(["a.b", "d", "e", "h"]);
  });
});

describe("verifyLogFields", () => {
  const query = { dashboard: "d", panel: "p", expression: "fields level, err.stack | filter route = '$r'" };
  it("passes when every field is in some line, nested paths included", () => {
    const lines = [
      { level: "info", route: "/graph" },
      { level: "error", err: { stack: "Error: x" } },
    ];
    expect(verifyLogFields([query], lines)[0]?.missing).toEqual([]);
  });
  it("names the fields no line has", () => {
    const lines = [{ level: "info", err: { message: "x" } }];
    expect(verifyLogFields([query], lines)[0]?.missing).toEqual(["err.stack", "route"]);
  });
});
