/**
 * promtool unit tests of every alert: made-up series under which it fires, and under which it stays
 * quiet. Written as data here and rendered to promtool's YAML by the e2e test, which adds each rule's
 * static labels, its `runbook_url`, and any annotation that is plain text in the rule (templated ones,
 * with values or labels, are written out here).
 */
export interface Expected {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertCase {
  alert: string;
  name: string;
  series: Array<{ series: string; values: string }>;
  /** When to evaluate, and what must be firing then (empty: the alert must not fire). */
  checks: Array<{ at: string; expect: Expected[] }>;
  /**
   * Days-long cases run with rules evaluated every 5 minutes (promtool evaluates every rule at every
   * step; at 1 minute, four days of 3-day windows take minutes). Samples stay one a minute.
   */
  step?: "5m";
}

const once = (at: string, expect: Expected[]) => [{ at, expect }];

const B = 'job="trackgraph-backend"';

/**
 * A counter's values in promtool's notation from `[per minute, minutes]` segments, continuous across
 * segments: `0+r1xm1` covers minutes 0..m1, each next segment the minutes after it.
 */
export function counter(...segments: Array<[number, number]>): string {
  const parts: string[] = [];
  let value = 0;
  segments.forEach(([rate, n], i) => {
    if (i === 0) {
      parts.push(`0+${rate}x${n}`);
      value = rate * n;
    } else {
      parts.push(`${value + rate}+${rate}x${n - 1}`);
      value += rate * n;
    }
  });
  return parts.join(" ");
}

export const ALERT_CASES: AlertCase[] = [
  {
    alert: "BackendScrapeDown",
    name: "the backend target is down for 6 minutes",
    series: [{ series: `up{${B}, instance="backend.example:443"}`, values: "0x10" }],
    checks: once("6m", [
      {
        labels: { job: "trackgraph-backend", instance: "backend.example:443" },
        annotations: {
          description: "backend.example:443 has been unreachable or refused the token for 5 minutes.",
        },
      },
    ]),
  },
  {
    alert: "BackendScrapeDown",
    name: "the backend target is up",
    series: [{ series: `up{${B}, instance="backend.example:443"}`, values: "1x10" }],
    checks: once("6m", []),
  },
  {
    alert: "BackendDroppingSpans",
    name: "60 spans a minute dropped for 25 minutes",
    series: [{ series: `trackgraph_otel_spans_dropped_total{${B}}`, values: "0+60x30" }],
    checks: once("25m", [
      {
        labels: {},
        annotations: { description: "1 spans/s dropped for 20 minutes; check the proxy's health." },
      },
    ]),
  },
  {
    alert: "BackendDroppingSpans",
    name: "no span dropped",
    series: [{ series: `trackgraph_otel_spans_dropped_total{${B}}`, values: "0x20" }],
    checks: once("15m", []),
  },
];

/* ------------------------------------------------------------------------------------------------ */
/* Absence: each collector's self-telemetry and the backend's up                                    */
/* ------------------------------------------------------------------------------------------------ */

const SCRAPER_UPTIME = 'otelcol_process_uptime_seconds_total{job="telemetry-scraper"}';
const PROXY_UPTIME = 'otelcol_process_uptime_seconds_total{job="telemetry-proxy"}';
const BACKEND_UP = 'up{job="trackgraph-backend", instance="backend.example:443"}';

for (const [alert, selector, job, forMinutes] of [
  ["TelemetryScraperAbsent", SCRAPER_UPTIME, "telemetry-scraper", 5],
  ["TelemetryProxyAbsent", PROXY_UPTIME, "telemetry-proxy", 5],
  ["BackendMetricsAbsent", BACKEND_UP, "trackgraph-backend", 8],
] as const) {
  // The last sample is at minute 10: a closed 10-minute window (Prometheus 2) is empty from minute 21, so
  // the alert is quiet a minute before 20 + `for` and fires a minute after.
  ALERT_CASES.push(
    {
      alert,
      name: `${job}'s series stop after 10 minutes: quiet while the 10-minute window holds them, firing ${forMinutes} minutes after it empties`,
      series: [{ series: selector, values: "1x10" }],
      checks: [
        { at: "18m", expect: [] },
        { at: `${20 + forMinutes - 1}m`, expect: [] },
        { at: `${20 + forMinutes + 1}m`, expect: [{ labels: { job }, annotations: {} }] },
      ],
    },
    {
      alert,
      name: `${job}'s series arrive every minute`,
      series: [{ series: selector, values: "1x40" }],
      checks: [
        { at: "20m", expect: [] },
        { at: "40m", expect: [] },
      ],
    },
  );
}

/*
 * Inhibition order. Alertmanager inhibits a target only while its source fires: if one fault raises both
 * and the target fires first, its message goes out before the inhibit rule can hold it. Each case below is
 * one fault, checked at the first evaluation at which the source fires: the source fires, the target does
 * not yet. (Minute 25: the last sample, at minute 9, is still inside a closed 10-minute window at 19, as
 * Prometheus 2 (Debian's) reads ranges; 5 minutes of `for` from minute 20.)
 */
const SOURCE_FIRES = "25m";
const SOURCE_QUIET = "24m";

// A dead scraper stops its self-telemetry and the backend's `up` together; the backend's last scrape can
// come up to a scrape interval (30 s) earlier, a minute here.
const deadScraper = [
  { series: SCRAPER_UPTIME, values: "1x9" },
  { series: BACKEND_UP, values: "1x8" },
];
ALERT_CASES.push(
  {
    alert: "TelemetryScraperAbsent",
    name: "inhibition order, dead scraper: the source quiet a minute before it fires",
    series: deadScraper,
    checks: once(SOURCE_QUIET, []),
  },
  {
    alert: "TelemetryScraperAbsent",
    name: "inhibition order, dead scraper: the source fires",
    series: deadScraper,
    checks: once(SOURCE_FIRES, [{ labels: { job: "telemetry-scraper" }, annotations: {} }]),
  },
  {
    alert: "BackendMetricsAbsent",
    name: "inhibition order, dead scraper: the target still quiet when the source fires, firing later",
    series: deadScraper,
    checks: [
      { at: SOURCE_FIRES, expect: [] },
      { at: "30m", expect: [{ labels: { job: "trackgraph-backend" }, annotations: {} }] },
    ],
  },
);

// A dead proxy: its self-telemetry stops and the backend drops spans from the next minute on.
const deadProxy = [
  { series: PROXY_UPTIME, values: "1x9" },
  { series: `trackgraph_otel_spans_dropped_total{${B}}`, values: counter([0, 9], [60, 40]) },
];
ALERT_CASES.push(
  {
    alert: "TelemetryProxyAbsent",
    name: "inhibition order, dead proxy: the source fires",
    series: deadProxy,
    checks: [
      { at: SOURCE_QUIET, expect: [] },
      { at: SOURCE_FIRES, expect: [{ labels: { job: "telemetry-proxy" }, annotations: {} }] },
    ],
  },
  {
    alert: "BackendDroppingSpans",
    name: "inhibition order, dead proxy: the target still quiet when the source fires, firing later",
    series: deadProxy,
    checks: [
      { at: SOURCE_FIRES, expect: [] },
      {
        at: "35m",
        expect: [
          {
            labels: {},
            annotations: { description: "1 spans/s dropped for 20 minutes; check the proxy's health." },
          },
        ],
      },
    ],
  },
);

/*
 * End of an incident. Inhibition ends when its source resolves: a target still firing then goes out. Each
 * case is one fault and its repair, checked at the last evaluation at which the target still fires: the
 * source must still fire (its `keep_firing_for`), and it must resolve after.
 */
// The scraper is back at minute 30; the backend's first `up` lands a minute later (a scrape and an
// evaluation after the scraper's own series).
const restoredScraper = [
  { series: SCRAPER_UPTIME, values: "1x9 _x20 1x20" },
  { series: BACKEND_UP, values: "1x8 _x22 1x20" },
];
ALERT_CASES.push(
  {
    alert: "BackendMetricsAbsent",
    name: "end of incident, restored scraper: the target fires until the backend's up returns",
    series: restoredScraper,
    checks: [
      { at: "30m", expect: [{ labels: { job: "trackgraph-backend" }, annotations: {} }] },
      { at: "31m", expect: [] },
    ],
  },
  {
    alert: "TelemetryScraperAbsent",
    name: "end of incident, restored scraper: the source still fires when the target last does, then resolves",
    series: restoredScraper,
    checks: [
      { at: "30m", expect: [{ labels: { job: "telemetry-scraper" }, annotations: {} }] },
      { at: "34m", expect: [] },
    ],
  },
);

// The proxy is back at minute 40 and the backend stops dropping spans then; its 5-minute rate clears
// five minutes later.
const restoredProxy = [
  { series: PROXY_UPTIME, values: "1x9 _x30 1x20" },
  { series: `trackgraph_otel_spans_dropped_total{${B}}`, values: counter([0, 9], [60, 31], [0, 20]) },
];
ALERT_CASES.push(
  {
    alert: "BackendDroppingSpans",
    name: "end of incident, restored proxy: the target fires until its rate window holds no drop",
    series: restoredProxy,
    checks: [
      {
        at: "44m",
        expect: [
          {
            labels: {},
            // One minute of drops (60) left in the 5-minute window: 0.2 per second.
            annotations: { description: "200m spans/s dropped for 20 minutes; check the proxy's health." },
          },
        ],
      },
      { at: "45m", expect: [] },
    ],
  },
  {
    alert: "TelemetryProxyAbsent",
    name: "end of incident, restored proxy: the source still fires when the target last does, then resolves",
    series: restoredProxy,
    checks: [
      { at: "44m", expect: [{ labels: { job: "telemetry-proxy" }, annotations: {} }] },
      { at: "48m", expect: [] },
    ],
  },
);

/** The other collectors' series do not hide one collector's absence. */
ALERT_CASES.push({
  alert: "TelemetryScraperAbsent",
  name: "the proxy reports, the scraper never did",
  series: [{ series: 'otelcol_process_uptime_seconds_total{job="telemetry-proxy"}', values: "1x40" }],
  checks: once("20m", [{ labels: { job: "telemetry-scraper" }, annotations: {} }]),
});

/* ------------------------------------------------------------------------------------------------ */
/* Error budgets: multiwindow, multi-burn-rate alerts                                               */
/* ------------------------------------------------------------------------------------------------ */

/** History before a burn: longer than the 6-hour window, so it starts clean. */
const HISTORY = 7 * 60;
const FOUR_DAYS = 4 * 24 * 60;
const RATE = 1000;

/**
 * The series of an SLO from `[bad per minute, minutes]` segments at 1000 requests a minute: for
 * availability a 200 and a 500 counter, for latency the request count and its `le="1"` bucket.
 */
function sloSeries(slo: "availability" | "latency", ...segments: Array<[number, number]>) {
  const route = `${B}, http_route="/graph"`;
  if (slo === "availability")
    return [
      {
        series: `http_server_request_duration_count{${route}, http_response_status_code="200"}`,
        values: counter(...segments.map(([bad, n]): [number, number] => [RATE - bad, n])),
      },
      {
        series: `http_server_request_duration_count{${route}, http_response_status_code="500"}`,
        values: counter(...segments),
      },
    ];
  return [
    {
      series: `http_server_request_duration_count{${route}}`,
      values: counter(...segments.map(([, n]): [number, number] => [RATE, n])),
    },
    {
      series: `http_server_request_duration_bucket{${route}, le="1"}`,
      values: counter(...segments.map(([bad, n]): [number, number] => [RATE - bad, n])),
    },
  ];
}

const SLO_TEXT = {
  availability: { good: "answered without a 5xx", objective: "99.5%", budget: 0.005 },
  latency: { good: "answered within 1 s", objective: "99%", budget: 0.01 },
} as const;

/** A firing burn alert: its `slo` label, and its description with the long window's ratio. */
function burn(slo: "availability" | "latency", speed: "Fast" | "Slow", value: string): Expected {
  const windows =
    speed === "Fast"
      ? "14.4x over 1h and 5m, or 6x over 6h and 30m"
      : "3x over 1d and 2h, or 1x over 3d and 6h";
  return {
    labels: { slo: `backend-${slo}` },
    annotations: {
      description: `${value} of requests were not ${SLO_TEXT[slo].good} over the long window (${windows}; objective ${SLO_TEXT[slo].objective} over 30 days).`,
    },
  };
}

for (const slo of ["availability", "latency"] as const) {
  const Slo = slo === "availability" ? "Availability" : "Latency";
  const fast = `Backend${Slo}BudgetBurnFast`;
  const slow = `Backend${Slo}BudgetBurnSlow`;
  const budget = SLO_TEXT[slo].budget;
  ALERT_CASES.push(
    {
      alert: fast,
      // 7 hours without errors, then every request bad. The 1-hour ratio (the alert's value) grows a
      // sixtieth a minute and crosses 14.4x the budget (7.2% availability, 14.4% latency) after 5 or 9
      // minutes; the alert waits 2 more.
      name: "a fast burn (every request bad) pages within 15 minutes",
      series: sloSeries(slo, [0, HISTORY], [RATE, 60]),
      checks: [
        { at: `${HISTORY + 3}m`, expect: [] },
        { at: `${HISTORY + 15}m`, expect: [burn(slo, "Fast", "25%")] },
        { at: `${HISTORY + 60}m`, expect: [burn(slo, "Fast", "100%")] },
      ],
    },
    {
      alert: fast,
      name: "a two-minute spike of bad requests does not page",
      series: sloSeries(slo, [0, HISTORY], [RATE, 2], [0, 120]),
      checks: [HISTORY + 2, HISTORY + 5, HISTORY + 10, HISTORY + 30, HISTORY + 90].map((m) => ({
        at: `${m}m`,
        expect: [],
      })),
    },
    {
      alert: fast,
      // Ten minutes of failures: the 1-hour window still holds them, the 5-minute one clears 5 minutes after.
      name: "the page resolves after recovery",
      series: sloSeries(slo, [0, HISTORY], [RATE, 10], [0, 120]),
      checks: [
        { at: `${HISTORY + 13}m`, expect: [burn(slo, "Fast", "16.67%")] },
        { at: `${HISTORY + 20}m`, expect: [] },
      ],
    },
    {
      alert: fast,
      name: "a steady burn at 0.9x the budget never pages",
      series: sloSeries(slo, [0.9 * budget * RATE, FOUR_DAYS]),
      checks: ["30m", "2h", "7h", "1d", "3d", "4d"].map((at) => ({ at, expect: [] })),
      step: "5m",
    },
    {
      alert: slow,
      name: "a steady burn at 0.9x the budget never opens a ticket",
      series: sloSeries(slo, [0.9 * budget * RATE, FOUR_DAYS]),
      checks: ["30m", "2h", "7h", "1d", "3d", "4d"].map((at) => ({ at, expect: [] })),
      step: "5m",
    },
    {
      alert: slow,
      // 1x over 3 days and 6 hours: the ratio is the same in every window, 2x the budget.
      name: "a steady burn at 2x the budget opens a ticket",
      series: sloSeries(slo, [2 * budget * RATE, 2 * 24 * 60]),
      step: "5m",
      checks: [
        { at: "10m", expect: [] },
        { at: "1h", expect: [burn(slo, "Slow", slo === "availability" ? "1%" : "2%")] },
        { at: "2d", expect: [burn(slo, "Slow", slo === "availability" ? "1%" : "2%")] },
      ],
    },
    {
      alert: fast,
      name: "a steady burn at 2x the budget does not page",
      series: sloSeries(slo, [2 * budget * RATE, 2 * 24 * 60]),
      checks: ["1h", "1d", "2d"].map((at) => ({ at, expect: [] })),
      step: "5m",
    },
  );
}

/** The four collector alerts share a shape: each fires on its own counter, and only on it. */
for (const [signal, Signal, job, exporter] of [
  ["spans", "Spans", "telemetry-proxy", "awsxray"],
  ["metric_points", "MetricPoints", "telemetry-scraper", "prometheusremotewrite"],
] as const) {
  const items = signal === "spans" ? "spans" : "metric points";
  const other = signal === "spans" ? "metric_points" : "spans";
  ALERT_CASES.push(
    {
      alert: `CollectorRefusing${Signal}`,
      name: `${job} refuses 120 ${items} a minute while the other signal is fine`,
      series: [
        {
          series: `otelcol_receiver_refused_${signal}_total{job="${job}", receiver="otlp"}`,
          values: "0+120x20",
        },
        { series: `otelcol_receiver_refused_${other}_total{job="${job}", receiver="otlp"}`, values: "0x20" },
      ],
      checks: once("12m", [
        {
          labels: { job },
          annotations: {
            summary: `${job} refuses ${items} (memory limiter or a full queue)`,
            description: `2 ${items}/s refused for 5 minutes.`,
          },
        },
      ]),
    },
    {
      alert: `CollectorRefusing${Signal}`,
      name: `${job} refuses nothing`,
      series: [
        { series: `otelcol_receiver_refused_${signal}_total{job="${job}", receiver="otlp"}`, values: "0x20" },
      ],
      checks: once("12m", []),
    },
    {
      alert: `CollectorExportFailing${Signal}`,
      name: `${job} fails to send 60 ${items} a minute through ${exporter}`,
      series: [
        {
          series: `otelcol_exporter_send_failed_${signal}_total{job="${job}", exporter="${exporter}"}`,
          values: "0+60x20",
        },
      ],
      checks: once("15m", [
        {
          labels: { job, exporter },
          annotations: {
            summary: `${job} cannot deliver ${items} through ${exporter}`,
            description: `1 ${items}/s failed to send for 10 minutes (X-Ray or AMP refuses them).`,
          },
        },
      ]),
    },
    {
      alert: `CollectorExportFailing${Signal}`,
      name: `${job} delivers everything`,
      series: [
        {
          series: `otelcol_exporter_send_failed_${signal}_total{job="${job}", exporter="${exporter}"}`,
          values: "0x20",
        },
      ],
      checks: once("15m", []),
    },
  );
}
