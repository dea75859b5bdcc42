/**
 * promtool unit tests of every alert: made-up series under which it fires, and under which it stays
 * quiet. Written as data here and rendered to promtool's YAML by the e2e test.
 */
export interface AlertCase {
  alert: string;
  name: string;
  series: Array<{ series: string; values: string }>;
  evalTime: string;
  /** Empty: the alert must not fire. */
  expect: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
}

const B = 'job="trackgraph-backend"';
const requests = (status: string, perMinute: number) => ({
  series: `http_server_request_duration_count{${B}, http_route="/graph", http_response_status_code="${status}"}`,
  values: `0+${perMinute}x40`,
});
const buckets = (counts: Record<string, number>) =>
  Object.entries(counts).map(([le, perMinute]) => ({
    series: `http_server_request_duration_bucket{${B}, http_route="/graph", le="${le}"}`,
    values: `0+${perMinute}x40`,
  }));

export const ALERT_CASES: AlertCase[] = [
  {
    alert: "BackendErrorRateHigh",
    name: "5 of 105 requests a minute fail (4.8%) for 20 minutes",
    series: [requests("200", 100), requests("503", 5)],
    evalTime: "20m",
    expect: [
      {
        labels: { severity: "page" },
        annotations: {
          summary: "TrackGraph backend: more than 1% of requests fail",
          description: "4.762% of requests answered 5xx over 5 minutes, for 10 minutes.",
        },
      },
    ],
  },
  {
    alert: "BackendErrorRateHigh",
    name: "1 of 200 requests a minute fails (0.5%)",
    series: [requests("200", 199), requests("500", 1)],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "BackendErrorRateHigh",
    name: "no request fails at all (no 5xx series)",
    series: [requests("200", 100)],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "BackendErrorRateHigh",
    name: "4.8% fail, but only for 8 minutes (the alert waits 10)",
    series: [requests("200", 100), { series: requests("503", 5).series, values: "_x12 0+5x28" }],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "BackendLatencyHigh",
    name: "97% of requests take between 1 and 2.5 s",
    series: buckets({ "0.1": 1, "0.5": 2, "1": 3, "2.5": 100, "+Inf": 100 }),
    evalTime: "20m",
    expect: [
      {
        // p99 interpolates inside the (1, 2.5] bucket: 1 + 1.5 * (99 - 3) / (100 - 3) = 2.485 s.
        labels: { severity: "page", job: "trackgraph-backend" },
        annotations: {
          summary: "TrackGraph backend: p99 latency above 1 s",
          description: "p99 latency is 2.485s over 5 minutes, for 10 minutes.",
        },
      },
    ],
  },
  {
    alert: "BackendLatencyHigh",
    name: "every request under 100 ms",
    series: buckets({ "0.1": 100, "0.5": 100, "1": 100, "2.5": 100, "+Inf": 100 }),
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "BackendScrapeDown",
    name: "the backend target is down for 6 minutes",
    series: [{ series: `up{${B}, instance="backend.example:443"}`, values: "0x10" }],
    evalTime: "6m",
    expect: [
      {
        labels: { severity: "ticket", job: "trackgraph-backend", instance: "backend.example:443" },
        annotations: {
          summary: "The metrics scraper cannot read the backend's /metrics",
          description: "backend.example:443 has been unreachable or refused the token for 5 minutes.",
        },
      },
    ],
  },
  {
    alert: "BackendScrapeDown",
    name: "the backend target is up",
    series: [{ series: `up{${B}, instance="backend.example:443"}`, values: "1x10" }],
    evalTime: "6m",
    expect: [],
  },
  {
    alert: "BackendDroppingSpans",
    name: "60 spans a minute dropped for 15 minutes",
    series: [{ series: `trackgraph_otel_spans_dropped_total{${B}}`, values: "0+60x20" }],
    evalTime: "15m",
    expect: [
      {
        labels: { severity: "ticket" },
        annotations: {
          summary: "The backend drops spans: its queue to the telemetry proxy is full",
          description: "1 spans/s dropped for 10 minutes; check the proxy's health.",
        },
      },
    ],
  },
  {
    alert: "BackendDroppingSpans",
    name: "no span dropped",
    series: [{ series: `trackgraph_otel_spans_dropped_total{${B}}`, values: "0x20" }],
    evalTime: "15m",
    expect: [],
  },
];

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
      evalTime: "12m",
      expect: [
        {
          labels: { severity: "ticket", job },
          annotations: {
            summary: `${job} refuses ${items} (memory limiter or a full queue)`,
            description: `2 ${items}/s refused for 5 minutes.`,
          },
        },
      ],
    },
    {
      alert: `CollectorRefusing${Signal}`,
      name: `${job} refuses nothing`,
      series: [
        { series: `otelcol_receiver_refused_${signal}_total{job="${job}", receiver="otlp"}`, values: "0x20" },
      ],
      evalTime: "12m",
      expect: [],
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
      evalTime: "15m",
      expect: [
        {
          labels: { severity: "ticket", job, exporter },
          annotations: {
            summary: `${job} cannot deliver ${items} through ${exporter}`,
            description: `1 ${items}/s failed to send for 10 minutes (X-Ray or AMP refuses them).`,
          },
        },
      ],
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
      evalTime: "15m",
      expect: [],
    },
  );
}
