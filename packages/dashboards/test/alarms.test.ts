import { describe, expect, it } from "vitest";
import {
  type AlarmSpec,
  type AlarmTargets,
  alarmDescription,
  cloudWatchAlarms,
  EDGE_BURN_FAST,
  EDGE_BURN_SLOW,
  edgeBudgetBurnAlarms,
  type MetricAlarmSpec,
  notifyingAlarms,
  renderRule,
  ruleAlarms,
} from "../src/index.js";
import { type Data, minutes, type State, states } from "./cloudwatch-sim.js";
import { TARGETS } from "./targets.js";

const ECS: AlarmTargets = {
  ...TARGETS,
  backend: {
    platform: "ecs-express",
    clusterName: "tg-backend",
    serviceName: "tg-backend",
    maxInstances: 4,
    loadBalancer: { loadBalancer: "app/ecs-express/0123", targetGroup: "targetgroup/tg-backend/4567" },
  },
};

const variants = { "app-runner": cloudWatchAlarms(TARGETS), "ecs-express": cloudWatchAlarms(ECS) };
const metricAlarms = (specs: AlarmSpec[]) => specs.filter((s): s is MetricAlarmSpec => s.kind === "metric");
const byId = (specs: AlarmSpec[], id: string) => specs.find((s) => s.id === id) as AlarmSpec;

describe("the CloudWatch alarm specs", () => {
  for (const [platform, specs] of Object.entries(variants))
    it(`are well formed for CloudWatch (${platform})`, () => {
      expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
      for (const s of metricAlarms(specs)) {
        expect(
          s.queries.filter((q) => q.returnData),
          s.id,
        ).toHaveLength(1);
        expect(s.missingDataReason.length, s.id).toBeGreaterThan(20);
        expect(s.datapointsToAlarm, s.id).toBeLessThanOrEqual(s.evaluationPeriods);
        const sources = s.queries.filter(
          (q) => q.metric !== undefined || /^SELECT /.test(q.expression ?? ""),
        );
        // CloudWatch: at most 10 metrics per alarm, all with the same period.
        expect(sources.length, s.id).toBeLessThanOrEqual(10);
        const periods = new Set(sources.map((q) => q.metric?.period ?? q.period));
        expect(periods.size, s.id).toBe(1);
        const period = [...periods][0] as number;
        expect(period % 60, s.id).toBe(0);
        // Period x evaluation periods: at most a day below hourly periods, else hours and at most 7 days.
        if (period < 3600) expect(period * s.evaluationPeriods, s.id).toBeLessThanOrEqual(86_400);
        else {
          expect(period % 3600, s.id).toBe(0);
          expect(period * s.evaluationPeriods, s.id).toBeLessThanOrEqual(604_800);
        }
        // Metrics Insights alarms evaluate the latest 3 hours only.
        if (sources.some((q) => q.expression !== undefined))
          expect(period * s.evaluationPeriods, s.id).toBeLessThanOrEqual(3 * 3600);
        // CloudFront's metrics exist only in us-east-1; nothing else is there.
        const cloudfront = sources.some((q) => q.metric?.namespace === "AWS/CloudFront");
        expect(s.region, s.id).toBe(cloudfront ? "us-east-1" : "stack");
      }
      for (const s of specs)
        expect(alarmDescription(s, "https://x/docs/runbooks").length).toBeLessThanOrEqual(1024);
    });

  it("notify only through a severity; every input belongs to exactly the composite that reads it", () => {
    for (const specs of Object.values(variants)) {
      const composites = specs.filter((s) => s.kind === "composite");
      for (const c of composites) {
        expect(c.severity, c.id).toBeDefined();
        for (const input of ruleAlarms(c.rule))
          expect(
            specs.some((s) => s.id === input),
            `${c.id}: ${input}`,
          ).toBe(true);
      }
      for (const s of specs.filter((x) => x.severity === undefined)) {
        const composite = composites.find((c) => c.id === s.inputOf);
        expect(composite, s.id).toBeDefined();
        expect(ruleAlarms(composite?.rule ?? { or: [] })).toContain(s.id);
      }
    }
  });

  it("render composite rules with the full alarm names", () => {
    const fast = byId(edgeBudgetBurnAlarms({ distributionId: "E1" }), EDGE_BURN_FAST);
    expect(fast.kind === "composite" && renderRule(fast.rule, (id) => `tg-dev-${id}`)).toBe(
      '(ALARM("tg-dev-edge-5xx-burn-1h-page") AND ALARM("tg-dev-edge-5xx-burn-5m-page")) OR (ALARM("tg-dev-edge-5xx-burn-6h-page") AND ALARM("tg-dev-edge-5xx-burn-30m-page"))',
    );
  });

  it("put the heartbeat and the concurrency alarm only where configured, the ALB alarm only with its names", () => {
    const bare = cloudWatchAlarms({
      ...ECS,
      logHeartbeatMinutes: undefined,
      logParser: { functionName: "f", timeoutSeconds: 300 },
      backend: { platform: "ecs-express", clusterName: "c", serviceName: "s", maxInstances: 2 },
    }).map((s) => s.id);
    expect(bare).not.toContain("log-heartbeat");
    expect(bare).not.toContain("log-parser-concurrency-near-reserve");
    expect(bare).not.toContain("backend-5xx");
    const full = variants["ecs-express"].map((s) => s.id);
    expect(full).toEqual(
      expect.arrayContaining(["log-heartbeat", "log-parser-concurrency-near-reserve", "backend-5xx"]),
    );
  });

  it("treat missing data as breaching only where silence is the failure (the heartbeat)", () => {
    const breaching = metricAlarms(variants["app-runner"]).filter((s) => s.treatMissingData === "breaching");
    expect(breaching.map((s) => s.id)).toEqual(["log-heartbeat"]);
    const heartbeat = byId(variants["app-runner"], "log-heartbeat") as MetricAlarmSpec;
    expect(heartbeat.evaluationPeriods * 300).toBe(60 * 60);
  });

  it("link each alarm's description to its runbook (inputs to their composite's)", () => {
    const specs = variants["app-runner"];
    expect(
      alarmDescription(byId(specs, "log-parser-errors"), "https://h/o/r/blob/main/docs/runbooks"),
    ).toMatch(
      /Severity: ticket\. Runbook: https:\/\/h\/o\/r\/blob\/main\/docs\/runbooks\/log-parser-errors\.md$/,
    );
    expect(alarmDescription(byId(specs, "backend-cpu-high"))).toMatch(
      /Input of backend-saturated .* Runbook: docs\/runbooks\/backend-saturated\.md$/,
    );
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* The edge's burn-rate alarms against made-up traffic                                            */
/* ---------------------------------------------------------------------------------------------- */

const edge = edgeBudgetBurnAlarms({ distributionId: "E1" });
/** Logs land 8 minutes after the requests they record. */
const LAG = 8;
const RATE = 1000;

/** Requests and Requests5xx per minute: `[5xx per minute, minutes]` segments at 1000 requests a minute. */
function traffic(...segments: Array<[number, number]>): Data {
  return {
    requests: minutes(...segments.map(([, n]): [number, number] => [RATE, n])),
    errors: minutes(...segments),
  };
}

function edgeStates(data: Data, t: number): Record<string, State> {
  return states(edge, data, t, LAG);
}

/** The minutes in [from, to] (every `step`) at which an alarm is in ALARM. */
function alarmingMinutes(data: Data, alarm: string, from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) if (edgeStates(data, t)[alarm] === "ALARM") out.push(t);
  return out;
}

const HALF_DAY = 12 * 60;

describe("the edge's 5xx budget alarms (CloudWatch metric math, modelled)", () => {
  it("page within 15 minutes of a total outage, 8 of them the log delivery lag", () => {
    const data = traffic([0, HALF_DAY], [RATE, 60]);
    const firing = alarmingMinutes(data, EDGE_BURN_FAST, HALF_DAY, HALF_DAY + 60);
    expect(firing[0]).toBeGreaterThan(HALF_DAY + LAG);
    expect(firing[0]).toBeLessThanOrEqual(HALF_DAY + 15);
  });

  it("never alert on a steady burn at 0.9x the budget, over four days", () => {
    const data = traffic([0.9 * 0.005 * RATE, 4 * 24 * 60]);
    expect(alarmingMinutes(data, EDGE_BURN_FAST, 0, 4 * 24 * 60, 5)).toEqual([]);
    expect(alarmingMinutes(data, EDGE_BURN_SLOW, 0, 4 * 24 * 60, 5)).toEqual([]);
  });

  it("open a ticket, and never page, on a steady burn at 2x the budget", () => {
    const data = traffic([2 * 0.005 * RATE, 4 * 24 * 60]);
    expect(edgeStates(data, 24 * 60)[EDGE_BURN_SLOW]).toBe("ALARM");
    expect(alarmingMinutes(data, EDGE_BURN_FAST, 0, 4 * 24 * 60, 5)).toEqual([]);
  });

  it("do not page for a two-minute spike of errors", () => {
    const data = traffic([0, HALF_DAY], [RATE, 2], [0, 240]);
    expect(alarmingMinutes(data, EDGE_BURN_FAST, HALF_DAY, HALF_DAY + 240)).toEqual([]);
  });

  it("resolve after recovery: the short window clears the page", () => {
    const data = traffic([0, HALF_DAY], [RATE, 10], [0, 240]);
    const firing = alarmingMinutes(data, EDGE_BURN_FAST, HALF_DAY, HALF_DAY + 240);
    expect(firing.length).toBeGreaterThan(0);
    // Recovery at minute 730 is visible at 738; the 5-minute window looks 15 minutes back.
    expect(Math.max(...firing)).toBeLessThanOrEqual(HALF_DAY + 10 + LAG + 15);
  });

  it("report no data as no burn: a quiet edge raises nothing", () => {
    expect(edgeStates({ requests: [], errors: [] }, HALF_DAY)[EDGE_BURN_FAST]).toBe("OK");
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* Every notifying alarm fires on its failure and stays quiet without it (the model again)        */
/* ---------------------------------------------------------------------------------------------- */

const T = 180;
const flat = (v: number | undefined, n = T + 1) => minutes([v, n]);
/** Quiet for most of the window, `v` in the last `n` minutes. */
const recent = (quiet: number | undefined, v: number, n: number) => minutes([quiet, T + 1 - n], [v, n]);

/** For each alarm id: data under which it fires, and data under which it stays quiet. */
const CASES: Record<string, { platform?: "app-runner" | "ecs-express"; firing: Data; quiet: Data }> = {
  "log-parser-errors": { firing: { errors: recent(0, 1, 1) }, quiet: { errors: flat(0) } },
  "log-parser-throttles": { firing: { throttles: recent(0, 2, 3) }, quiet: { throttles: flat(undefined) } },
  "log-parser-duration-near-timeout": {
    firing: { duration: recent(20_000, 250_000, 1) },
    quiet: { duration: flat(200_000) },
  },
  "log-parser-concurrency-near-reserve": {
    firing: { concurrency: recent(1, 8, 6) },
    quiet: { concurrency: recent(1, 8, 3) },
  },
  "log-heartbeat": {
    firing: { objects: minutes([1, 60], [undefined, T + 1 - 60]) },
    quiet: { objects: Array.from({ length: T + 1 }, (_, m) => (m % 5 === 0 ? 1 : undefined)) },
  },
  "log-parser-batches-resent": { firing: { resent: recent(0, 1, 1) }, quiet: { resent: flat(undefined) } },
  "log-parser-dropped-out-of-window": {
    firing: { dropped: recent(0, 120, 1) },
    quiet: { dropped: flat(undefined) },
  },
  "log-parser-dead-letters": { firing: { visible: recent(0, 3, 5) }, quiet: { visible: flat(undefined) } },
  "log-parser-dead-letter-age": {
    firing: { age: flat(8 * 86_400) },
    quiet: { age: flat(86_400) },
  },
  "idempotency-throttles": {
    firing: { writes: recent(0, 4, 2), reads: flat(undefined) },
    quiet: { writes: flat(undefined), reads: flat(undefined) },
  },
  "idempotency-system-errors": {
    firing: { putitem: recent(0, 1, 1) },
    quiet: { getitem: flat(0), putitem: flat(0) },
  },
  "backend-instances-at-max": {
    platform: "app-runner",
    firing: { instances: recent(2, 4, 20) },
    quiet: { instances: recent(2, 4, 10) },
  },
  "backend-5xx": {
    platform: "app-runner",
    firing: { errors: recent(0, 10, 20), requests: flat(100) },
    quiet: { errors: flat(1), requests: flat(100) },
  },
  "backend-error-lines": {
    firing: { errors: recent(0, 10, 20) },
    quiet: { errors: recent(0, 10, 10) },
  },
  "backend-saturated": {
    platform: "ecs-express",
    firing: { "backend-instances-at-max.tasks": recent(2, 4, 20), cpu: recent(30, 95, 10), memory: flat(40) },
    quiet: { "backend-instances-at-max.tasks": recent(2, 4, 20), cpu: flat(60), memory: flat(60) },
  },
  "edge-cloudfront-5xx-rate": { firing: { rate: recent(0, 12, 20) }, quiet: { rate: recent(0, 12, 10) } },
  "edge-origin-latency": { firing: { latency: recent(80, 1500, 20) }, quiet: { latency: flat(120) } },
  "amp-active-series-near-quota": { firing: { series: flat(1_700_000) }, quiet: { series: flat(9000) } },
  "amp-ingestion-rate-near-quota": { firing: { rate: recent(500, 60_000, 15) }, quiet: { rate: flat(500) } },
  [EDGE_BURN_FAST]: {
    firing: { requests: flat(RATE), errors: recent(0, RATE, 30) },
    quiet: { requests: flat(RATE), errors: recent(0, RATE, 2) },
  },
  [EDGE_BURN_SLOW]: {
    firing: { requests: flat(RATE), errors: flat(0.02 * RATE) },
    quiet: { requests: flat(RATE), errors: flat(0.004 * RATE) },
  },
};

describe("every notifying CloudWatch alarm, modelled", () => {
  const ids = new Set(Object.values(variants).flatMap((specs) => notifyingAlarms(specs).map((s) => s.id)));

  it("has a firing and a quiet case", () => {
    expect([...ids].filter((id) => CASES[id] === undefined)).toEqual([]);
  });

  for (const [id, c] of Object.entries(CASES)) {
    const specs = variants[c.platform ?? "app-runner"];
    it(`${id}: fires on its failure`, () => expect(states(specs, c.firing, T)[id]).toBe("ALARM"));
    it(`${id}: stays quiet without it`, () => expect(states(specs, c.quiet, T)[id]).not.toBe("ALARM"));
  }
});
