import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { distance } from "fastest-levenshtein";
import { labelNames, metricNames } from "./promql.js";

/** What Prometheus holds for one query's metrics and labels, and whether the query returns data. */
export interface QueryVerdict {
  expr: string;
  /** Series the query returned (instant query at now). */
  series: number;
  /** Metric names the query reads that Prometheus has no series of. */
  missingMetrics: string[];
  /** Labels the query filters or groups on that none of its metrics' series carry. */
  missingLabels: string[];
  /** For each missing metric, the stored names nearest to it (a rename shows up here). */
  nearest: Record<string, string[]>;
}

interface PromResponse<T> {
  status: string;
  data: T;
  error?: string;
}

async function get<T>(
  base: string,
  path: string,
  params: Record<string, string>,
  fetcher: typeof fetch,
): Promise<T> {
  const url = `${base}${path}?${new URLSearchParams(params)}`;
  const response = await fetcher(url);
  if (!response.headers.get("content-type")?.includes("json"))
    throw new Error(`Prometheus ${path}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as PromResponse<T>;
  if (body.status !== "success") throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
  return body.data;
}

/** Grafana's range variables, replaced by fixed windows so a dashboard query runs as Prometheus's own. */
export function resolveGrafanaVariables(expr: string, rateInterval = "1m"): string {
  return expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$__interval", rateInterval);
}

/**
 * Runs each query against Prometheus and checks every metric and label it names exists there. This is
 * the contract between what the dashboards and rules read and what the code emits, measured on a
 * Prometheus that received the real telemetry (the local plane, or AMP's query API in front of one).
 */
export async function verifyQueries(
  prometheusUrl: string,
  exprs: string[],
  options: {
    rateInterval?: string;
    /** AMP's query API needs SigV4-signed requests; a signing fetch goes here. */
    fetch?: typeof fetch;
  } = {},
): Promise<QueryVerdict[]> {
  const f = options.fetch ?? fetch;
  const storedList = await get<string[]>(prometheusUrl, "/api/v1/label/__name__/values", {}, f);
  const stored = new Set(storedList);
  // Queries share metrics (a dashboard reads one histogram many ways): each metric's labels are read once.
  const labelsOf = new Map<string, Promise<Set<string>>>();
  const labelsOfMetric = (metric: string) => {
    let labels = labelsOf.get(metric);
    if (labels === undefined) {
      labels = get<Array<Record<string, string>>>(
        prometheusUrl,
        "/api/v1/series",
        { "match[]": metric },
        f,
      ).then((series) => new Set(series.flatMap((s) => Object.keys(s))));
      labelsOf.set(metric, labels);
    }
    return labels;
  };
  const verdicts: QueryVerdict[] = [];
  for (const raw of exprs) {
    const expr = resolveGrafanaVariables(raw, options.rateInterval);
    const metrics = metricNames(expr);
    const missingMetrics = metrics.filter((m) => !stored.has(m));
    const nearest: Record<string, string[]> = {};
    for (const m of missingMetrics) {
      // Edit distance finds a rename's new name (a suffix changed, a word dropped) among the stored ones.
      const scored = storedList
        .map((s) => [s, distance(s, m)] as const)
        .filter(([, d]) => d <= m.length / 2)
        .sort((a, b) => a[1] - b[1]);
      nearest[m] = scored.slice(0, 3).map(([s]) => s);
    }
    const present = metrics.filter((m) => stored.has(m));
    const carried = new Set<string>(["__name__"]);
    for (const m of present) for (const label of await labelsOfMetric(m)) carried.add(label);
    // With none of its metrics stored, a query's labels cannot be judged: the missing metrics are the finding.
    const missingLabels = present.length === 0 ? [] : labelNames(expr).filter((l) => !carried.has(l));
    const result = await get<{ result: unknown[] }>(prometheusUrl, "/api/v1/query", { query: expr }, f);
    verdicts.push({ expr, series: result.result.length, missingMetrics, missingLabels, nearest });
  }
  return verdicts;
}

/** One line per problem of a verdict: what is missing, and where a renamed metric may have gone. */
export function describeVerdict(v: QueryVerdict): string[] {
  const lines: string[] = [];
  for (const m of v.missingMetrics) {
    const near = v.nearest[m] ?? [];
    lines.push(
      `metric ${m} is not in Prometheus${near.length > 0 ? ` (stored names nearest to it: ${near.join(", ")})` : ""}`,
    );
  }
  for (const l of v.missingLabels)
    lines.push(`label ${l} is on none of the series of ${metricNames(v.expr).join(", ")}`);
  if (lines.length === 0 && v.series === 0) lines.push("the query returns no series");
  return lines;
}

/** One Logs Insights query of a dashboard panel. */
export interface LogQuery {
  dashboard: string;
  panel: string;
  expression: string;
}

/** Every CloudWatch Logs Insights query of the given dashboards. */
export function logQueries(dashboards: Dashboard[]): LogQuery[] {
  return dashboards.flatMap((d) =>
    (d.panels ?? []).flatMap((panel) =>
      ("targets" in panel ? (panel.targets ?? []) : []).flatMap((target) => {
        // The SDK types targets as the Dataquery variant union; a logs query is told by its queryMode.
        const t = target as unknown as Record<string, unknown>;
        if (t.queryMode !== "Logs" || typeof t.expression !== "string") return [];
        return [{ dashboard: d.uid ?? "", panel: panel.title ?? "", expression: t.expression }];
      }),
    ),
  );
}

const INSIGHTS_WORDS = new Set([
  "fields",
  "filter",
  "sort",
  "limit",
  "stats",
  "display",
  "parse",
  "dedup",
  "by",
  "as",
  "and",
  "or",
  "not",
  "in",
  "like",
  "asc",
  "desc",
  "count",
  "avg",
  "sum",
  "min",
  "max",
  "bin",
  "ispresent",
]);

/**
 * The log fields a Logs Insights query reads: every identifier outside string literals, regexes and
 * Grafana variables, except CloudWatch's own `@` fields, the language's words, numbers, and the names
 * given with `as`. Dotted names (`err.stack`) are paths into a line's JSON.
 */
export function logQueryFields(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/\/(?:[^/\\\n]|\\.)+\//g, " ")
    .replace(/\$\{?\w+\}?/g, " ")
    .replace(/\bas\s+@?[\w.]+/g, " ");
  const fields = new Set<string>();
  for (const [name] of bare.matchAll(/(?<![\w.@])@?[A-Za-z_][\w.]*/g)) {
    if (name.startsWith("@") || INSIGHTS_WORDS.has(name.toLowerCase())) continue;
    fields.add(name);
  }
  return [...fields];
}

/** A query's fields that no given log line has (a path like `err.stack` must exist in some line). */
export interface LogFieldVerdict extends LogQuery {
  fields: string[];
  missing: string[];
}

function hasPath(line: Record<string, unknown>, path: string): boolean {
  let at: unknown = line;
  for (const key of path.split(".")) {
    if (typeof at !== "object" || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The contract between the dashboards' log queries and what a service writes: every field each query
 * reads must be in at least one of `lines` (parsed JSON log lines of a real run, e.g. the local plane's
 * backend after a traced request and a failed one).
 */
export function verifyLogFields(
  queries: LogQuery[],
  lines: Array<Record<string, unknown>>,
): LogFieldVerdict[] {
  return queries.map((q) => {
    const fields = logQueryFields(q.expression);
    return { ...q, fields, missing: fields.filter((f) => !lines.some((line) => hasPath(line, f))) };
  });
}
