import { JOBS } from "./promql.js";

/**
 * Service-level objectives over a 30-day window and the multiwindow, multi-burn-rate alerts that defend
 * them, as in the Google SRE workbook ("Alerting on SLOs", table 5-8). A burn rate of 1 spends exactly
 * the budget in 30 days; each tier pairs a long window (is the budget really burning?) with a short one
 * (is it still burning now?), so an alert both needs a significant spend to fire and resets soon after
 * the burn stops.
 */
export const SLO_PERIOD_DAYS = 30;

/** Every window a burn-rate tier reads; each has a recording rule per SLO. */
export const BURN_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export type Severity = "page" | "ticket";

export interface BurnRateTier {
  severity: Severity;
  burnRate: number;
  long: BurnWindow;
  short: BurnWindow;
  /** Share of the 30-day budget spent when the long window alone crosses the threshold. */
  budgetSpent: string;
}

/** The workbook's four tiers: two page (fast burns), two open a ticket (slow burns). */
export const BURN_RATE_TIERS: readonly BurnRateTier[] = [
  { severity: "page", burnRate: 14.4, long: "1h", short: "5m", budgetSpent: "2% in 1 hour" },
  { severity: "page", burnRate: 6, long: "6h", short: "30m", budgetSpent: "5% in 6 hours" },
  { severity: "ticket", burnRate: 3, long: "1d", short: "2h", budgetSpent: "10% in 1 day" },
  { severity: "ticket", burnRate: 1, long: "3d", short: "6h", budgetSpent: "10% in 3 days" },
];

/** Seconds in a window such as `5m`, `6h` or `3d`. */
export function windowSeconds(window: BurnWindow | string): number {
  const m = /^(\d+)([smhd])$/.exec(window);
  if (m === null) throw new Error(`not a window: ${window}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}

/** Floating-point noise off a product such as 14.4 * 0.005 (which is 0.07200000000000001). */
export function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** The error ratio at which a tier's windows cross: burn rate times the budget. */
export function burnThreshold(tier: BurnRateTier, budget: number): number {
  return clean(tier.burnRate * budget);
}

export interface BackendSlo {
  /** `availability` or `latency`: the `slo` label of its alerts and part of its record names. */
  name: "availability" | "latency";
  /** The share of requests that must be good over 30 days. */
  objective: number;
  /** What a good request is, for summaries and the README. */
  good: string;
  /** PromQL: the share of bad requests over a window. */
  errorRatio: (window: string) => string;
}

const backend = `job="${JOBS.backend}"`;
const requests = (w: string) => `sum(rate(http_server_request_duration_count{${backend}}[${w}]))`;

/** The latency SLO's threshold: a histogram bucket bound the backend's histogram has (`le="1"`). */
export const LATENCY_THRESHOLD_SECONDS = 1;

/** The backend's two SLOs, measured on its own request histogram (scraped by the metrics scraper). */
export const BACKEND_SLOS: readonly BackendSlo[] = [
  {
    name: "availability",
    objective: 0.995,
    good: "answered without a 5xx",
    // No 5xx series at all is a ratio of 0, not "no data".
    errorRatio: (w) =>
      `(sum(rate(http_server_request_duration_count{${backend}, http_response_status_code=~"5.."}[${w}])) or vector(0)) / ${requests(w)}`,
  },
  {
    name: "latency",
    objective: 0.99,
    good: `answered within ${LATENCY_THRESHOLD_SECONDS} s`,
    errorRatio: (w) =>
      `1 - sum(rate(http_server_request_duration_bucket{${backend}, le="${LATENCY_THRESHOLD_SECONDS}"}[${w}])) / ${requests(w)}`,
  },
];

/** The edge's availability SLO: requests CloudFront answered without a 5xx (from the log parser's metrics). */
export const EDGE_SLO = { name: "edge-availability", objective: 0.995 } as const;

/** The error budget of an objective: the share of requests allowed to be bad. */
export function errorBudget(objective: number): number {
  return clean(1 - objective);
}

/** The recording rule holding an SLO's error ratio over a window. */
export function sloRecord(slo: BackendSlo["name"], window: BurnWindow): string {
  return `trackgraph:slo_${slo}_errors:ratio_rate${window}`;
}

/** `99.5%` for 0.995. */
export function percent(ratio: number): string {
  return `${clean(ratio * 100)}%`;
}
