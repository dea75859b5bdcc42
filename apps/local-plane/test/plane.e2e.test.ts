import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTrace, type LocalPlane, startLocalPlane } from "../src/index.js";
import { eventually, newXRayRoot } from "./helpers.js";

let plane: LocalPlane;

beforeAll(async () => {
  plane = await startLocalPlane({ scrapeInterval: "2s" });
});
afterAll(async () => {
  await plane?.stop();
});

describe("the local telemetry plane (moto as X-Ray, Prometheus as AMP, our collector build, the backend)", () => {
  it("a request's trace reaches X-Ray through the proxy, with its HTTP segment and S3 subsegments", async () => {
    const since = new Date();
    const root = newXRayRoot();
    const response = await fetch(`${plane.urls.backend}/graph?limit=7`, {
      headers: { "x-amzn-trace-id": root.header },
    });
    expect(response.status).toBe(200);

    const trace = await findTrace(plane.xray, since, (t) => t.id === root.xrayId && t.segments.length >= 3);
    const http = trace.segments.find((s) => s.type !== "subsegment");
    expect(http).toMatchObject({
      name: "trackgraph-backend",
      parent_id: "53995c3f42cd8ad8",
      http: { request: { method: "GET" }, response: { status: 200 } },
    });
    expect(http?.http?.request?.url).toContain("/graph");
    const s3 = trace.segments.filter((s) => s.namespace === "aws" && s.name === "S3");
    expect(s3.map((s) => s.aws?.operation).sort()).toEqual(["GetObject", "ListObjectsV2"]);
    for (const segment of s3) {
      expect(segment.parent_id).toBe(http?.id);
      expect(segment.type).toBe("subsegment");
    }
  });

  it("HTTP metrics are queryable with PromQL, having travelled scrape -> remote write", async () => {
    for (let i = 0; i < 5; i++) await (await fetch(`${plane.urls.backend}/summary?limit=3`)).text();
    const query =
      'sum by (http_route, http_request_method) (http_server_request_duration_count{job="trackgraph-backend", http_route="/summary"})';
    const [sample] = await eventually("the /summary request count in Prometheus", async () => {
      const result = await plane.prometheus.query(query);
      return result.length > 0 && Number(result[0]?.value[1]) >= 5 ? result : undefined;
    });
    expect(sample?.metric).toEqual({ http_route: "/summary", http_request_method: "GET" });
    // Routes, never raw paths with their query strings.
    expect(await plane.prometheus.query('http_server_request_duration_count{http_route=~".*[?].*"}')).toEqual(
      [],
    );
    // Prometheus scrapes nothing itself: every sample above arrived by remote write.
    const targets = (await (await fetch(`${plane.urls.prometheus}/api/v1/targets`)).json()) as {
      data: { activeTargets: unknown[] };
    };
    expect(targets.data.activeTargets).toEqual([]);
  });

  it("each collector's own telemetry reaches Prometheus under its own job", async () => {
    const accepted = await eventually("the proxy's accepted-spans counter", async () => {
      const result = await plane.prometheus.query(
        'sum(otelcol_receiver_accepted_spans_total{job="telemetry-proxy", receiver="otlp"})',
      );
      return Number(result[0]?.value[1] ?? 0) > 0 ? result : undefined;
    });
    expect(accepted).toHaveLength(1);
    await eventually("the scraper's sent-points counter", async () => {
      const result = await plane.prometheus.query(
        'sum(otelcol_exporter_sent_metric_points_total{job="telemetry-scraper", exporter="prometheusremotewrite"})',
      );
      return Number(result[0]?.value[1] ?? 0) > 0 ? result : undefined;
    });
  });

  it("the proxy refuses OTLP without its bearer token", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${plane.urls.otlp}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ resourceSpans: [] }),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: "Bearer wrong-token" })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${plane.tokens.collector}` })).status).toBe(200);
  });
});
