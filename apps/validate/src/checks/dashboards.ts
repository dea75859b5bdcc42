import {
  backendDashboard,
  describeVerdict,
  EXAMPLE_CONTEXT,
  prometheusQueries,
  verifyQueries,
} from "@trackgraph/dashboards";
import { pollUntil } from "../poll.js";
import { CheckFailed, type CheckResult, runCheck } from "../report.js";
import type { ValidationTarget } from "../target.js";

export interface DashboardCheckOptions {
  /** The PromQL the check runs; default: every Prometheus panel query of the backend dashboard. */
  queries?: Array<{ panel: string; expr: string }>;
}

/** The backend dashboard's Prometheus panel queries, as Grafana runs them against AMP. */
export function backendPanelQueries(): Array<{ panel: string; expr: string }> {
  return prometheusQueries([backendDashboard(EXAMPLE_CONTEXT)]).map((q) => ({
    panel: q.panel,
    expr: q.expr as string,
  }));
}

/**
 * Check 2 of the design: Prometheus remote write is visible through the Grafana dashboards' queries. Sends
 * traffic to the backend, then runs every Prometheus panel query of the backend dashboard until each
 * returns data (the samples travelled scrape -> collector -> remote write).
 */
export function checkDashboards(
  target: ValidationTarget,
  options: DashboardCheckOptions = {},
): Promise<CheckResult> {
  const queries = options.queries ?? backendPanelQueries();
  return runCheck(
    "Remote write is visible through the dashboards' queries",
    `20 requests to ${target.backendUrl}, then the ${queries.length} Prometheus queries of the backend dashboard`,
    async () => {
      for (let i = 0; i < 10; i++)
        for (const path of ["/graph?limit=5", "/summary?limit=3"])
          await (await fetch(`${target.backendUrl}${path}`)).text();
      const verdicts = await pollUntil(
        () =>
          verifyQueries(
            target.prometheusUrl,
            queries.map((q) => q.expr),
            prometheusOptions(target),
          ),
        (all) => all.every((v) => v.series > 0),
        target.timeoutSeconds * 1000,
      );
      const empty = verdicts.flatMap((v, i) => (v.series > 0 ? [] : [[queries[i]?.panel ?? "", v] as const]));
      if (empty.length === 0) return `all ${queries.length} panel queries return data`;
      const causes = empty.map(([panel, v]) => `panel "${panel}": ${describeVerdict(v).join("; ")}`);
      if (!(await backendReachedPrometheus(target)))
        causes.unshift(
          'nothing of the backend reached Prometheus (no up{job="trackgraph-backend"}): check the scraper\'s target and token, and its remote write',
        );
      throw new CheckFailed(
        `${empty.length} of ${queries.length} panel queries return no data after ${target.timeoutSeconds} s`,
        causes.join(" | "),
      );
    },
  );
}

async function backendReachedPrometheus(target: ValidationTarget): Promise<boolean> {
  const [verdict] = await verifyQueries(
    target.prometheusUrl,
    ['up{job="trackgraph-backend"}'],
    prometheusOptions(target),
  );
  return (verdict?.series ?? 0) > 0;
}

/** How to reach the target's Prometheus API (AMP signs with SigV4; the plane's Prometheus needs nothing). */
function prometheusOptions(target: ValidationTarget): { fetch?: typeof fetch } {
  return target.prometheusFetch === undefined ? {} : { fetch: target.prometheusFetch };
}
