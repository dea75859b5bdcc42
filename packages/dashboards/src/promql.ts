/** The `job` label each of our Prometheus sources carries (see @trackgraph/collector). */
export const JOBS = {
  backend: "trackgraph-backend",
  proxy: "telemetry-proxy",
  scraper: "telemetry-scraper",
} as const;

/** A Prometheus query a panel or rule runs, with the metric names it reads (for the contract test). */
export interface PromQuery {
  expr: string;
  legend?: string;
}

const backend = `job="${JOBS.backend}"`;
const requests = `http_server_request_duration_count{${backend}}`;
const serverErrors = `http_server_request_duration_count{${backend}, http_response_status_code=~"5.."}`;

/** Backend queries shared by the dashboard and the recording rules, so both read the same series. */
export const BACKEND = {
  requestRate: (window: string): PromQuery => ({
    expr: `sum by (http_route) (rate(${requests}[${window}]))`,
    legend: "{{http_route}}",
  }),
  /** The share of requests answered 5xx; 0, not "no data", when nothing failed. */
  errorRatio: (window: string): PromQuery => ({
    expr: `(sum(rate(${serverErrors}[${window}])) or vector(0)) / sum(rate(${requests}[${window}]))`,
    legend: "5xx ratio",
  }),
  statusRate: (window: string): PromQuery => ({
    expr: `sum by (http_response_status_code) (rate(${requests}[${window}]))`,
    legend: "{{http_response_status_code}}",
  }),
  latency: (quantile: number, window: string, by = "http_route"): PromQuery => ({
    expr: `histogram_quantile(${quantile}, sum by (le, ${by}) (rate(http_server_request_duration_bucket{${backend}}[${window}])))`,
    legend: `p${Math.round(quantile * 100)} {{${by}}}`,
  }),
} as const;

/**
 * The metric names a PromQL expression reads: every identifier followed by `{`, `[` or used bare that is
 * not a function, keyword or label. Our expressions always select metrics with `{...}`, which keeps this
 * small parser exact for them; the contract test proves each name against Prometheus.
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) if (match[1]) names.add(match[1]);
  return [...names];
}

/** `label="value"` and `label=~"re"` matchers: the label names an expression filters or groups on. */
export function labelNames(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"/g)) if (m[1]) names.add(m[1]);
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    for (const label of (m[1] ?? "").split(",")) if (label.trim() !== "") names.add(label.trim());
  return [...names];
}
