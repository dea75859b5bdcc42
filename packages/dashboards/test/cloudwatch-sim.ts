/**
 * A small model of how CloudWatch evaluates our alarms, to test them against made-up traffic (moto, the
 * local stand-in for AWS, stores alarms but never evaluates them). It is a model, not CloudWatch:
 *
 * - data are one value per minute per metric query (already the minute's Sum, Maximum or Average);
 * - at minute `t` an alarm takes `evaluationPeriods` datapoints, the i-th aggregating the minutes
 *   (t - (i + 1) * period, t - i * period] (a sliding window ending now, CloudWatch's default);
 * - minutes newer than `t - lag` are not visible yet (late delivery);
 * - metric math supports ids, numbers, + - * /, parentheses and FILL(id, n); a division by zero or a
 *   missing operand gives a missing datapoint; Metrics Insights `SELECT FN(metric) ...` aggregates its
 *   own query's data with FN;
 * - missing datapoints count as CloudWatch's treatMissingData says; the alarm is ALARM when at least
 *   `datapointsToAlarm` datapoints breach, INSUFFICIENT_DATA when all are missing and treated as missing.
 */
import type { AlarmRule, AlarmSpec, MetricAlarmSpec } from "../src/index.js";

export type State = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** Per metric-query id, the value of each minute (index = minute), undefined where nothing was published. */
export type Data = Record<string, Array<number | undefined>>;

interface Prepared {
  values: Array<number | undefined>;
  sum: Float64Array;
  count: Int32Array;
}

const cache = new WeakMap<Array<number | undefined>, Prepared>();

function prepare(values: Array<number | undefined>): Prepared {
  const cached = cache.get(values);
  if (cached !== undefined) return cached;
  const sum = new Float64Array(values.length + 1);
  const count = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum[i + 1] = (sum[i] ?? 0) + (v ?? 0);
    count[i + 1] = (count[i] ?? 0) + (v === undefined ? 0 : 1);
  }
  const prepared = { values, sum, count };
  cache.set(values, prepared);
  return prepared;
}

/** Aggregates minutes [from, to] (inclusive, clipped to the data) with a statistic. */
function aggregate(p: Prepared, from: number, to: number, stat: string): number | undefined {
  const a = Math.max(0, from);
  const b = Math.min(p.values.length - 1, to);
  if (b < a) return undefined;
  const n = (p.count[b + 1] ?? 0) - (p.count[a] ?? 0);
  if (n === 0) return undefined;
  const total = (p.sum[b + 1] ?? 0) - (p.sum[a] ?? 0);
  switch (stat.toUpperCase()) {
    case "SUM":
      return total;
    case "AVERAGE":
    case "AVG":
      return total / n;
    case "MAXIMUM":
    case "MAX":
    case "MINIMUM":
    case "MIN": {
      const max = stat.toUpperCase().startsWith("MAX");
      let best: number | undefined;
      for (let i = a; i <= b; i++) {
        const v = p.values[i];
        if (v !== undefined && (best === undefined || (max ? v > best : v < best))) best = v;
      }
      return best;
    }
    default:
      throw new Error(`statistic not modelled: ${stat}`);
  }
}

type Token = { kind: "num"; value: number } | { kind: "id"; value: string } | { kind: "op"; value: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  for (const m of expr.matchAll(/\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/g)) {
    if (m[1] !== undefined) tokens.push({ kind: "num", value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: "id", value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "op", value: m[3] });
  }
  return tokens;
}

/** Evaluates a metric math expression over one datapoint's values. */
export function evaluateExpression(
  expr: string,
  values: Record<string, number | undefined>,
): number | undefined {
  const tokens = tokenize(expr);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const binary = (a: number | undefined, b: number | undefined, op: string) => {
    if (a === undefined || b === undefined) return undefined;
    if (op === "+") return a + b;
    if (op === "-") return a - b;
    if (op === "*") return a * b;
    return b === 0 ? undefined : a / b;
  };
  const primary = (): number | undefined => {
    const t = take();
    if (t === undefined) throw new Error(`unexpected end of ${expr}`);
    if (t.kind === "num") return t.value;
    if (t.kind === "op" && t.value === "(") {
      const v = sum();
      take();
      return v;
    }
    if (t.kind === "id" && t.value === "FILL") {
      take(); // (
      const inner = sum();
      take(); // ,
      const fill = sum();
      take(); // )
      return inner ?? fill;
    }
    if (t.kind === "id") {
      if (!(t.value in values)) throw new Error(`${expr}: no query ${t.value}`);
      return values[t.value];
    }
    throw new Error(`${expr}: unexpected ${t.value}`);
  };
  const product = (): number | undefined => {
    let v = primary();
    for (let t = peek(); t?.kind === "op" && (t.value === "*" || t.value === "/"); t = peek()) {
      take();
      v = binary(v, primary(), t.value);
    }
    return v;
  };
  function sum(): number | undefined {
    let v = product();
    for (let t = peek(); t?.kind === "op" && (t.value === "+" || t.value === "-"); t = peek()) {
      take();
      v = binary(v, product(), t.value);
    }
    return v;
  }
  const v = sum();
  if (i !== tokens.length) throw new Error(`${expr}: trailing tokens`);
  return v;
}

const INSIGHTS = /^SELECT\s+(AVG|MAX|MIN|SUM|COUNT)\(/i;

const isSource = (q: MetricAlarmSpec["queries"][number]) =>
  q.metric !== undefined || INSIGHTS.test(q.expression ?? "");

/** The datapoints an alarm sees at minute `t`, newest first (undefined: missing). */
export function datapoints(spec: MetricAlarmSpec, data: Data, t: number, lag = 0): Array<number | undefined> {
  const prepared: Record<string, Prepared> = {};
  for (const q of spec.queries.filter(isSource)) {
    const values = data[q.id];
    if (values === undefined) throw new Error(`${spec.id}: no data for query ${q.id}`);
    prepared[q.id] = prepare(values);
  }
  const out: Array<number | undefined> = [];
  for (let i = 0; i < spec.evaluationPeriods; i++) out.push(datapoint(spec, prepared, t, lag, i));
  return out;
}

/** The alarm's returned value for the period `i` periods before `t`. */
function datapoint(
  spec: MetricAlarmSpec,
  prepared: Record<string, Prepared>,
  t: number,
  lag: number,
  i: number,
): number | undefined {
  const values: Record<string, number | undefined> = {};
  let result: number | undefined;
  for (const q of spec.queries) {
    let v: number | undefined;
    if (isSource(q)) {
      const period = (q.metric?.period ?? q.period ?? 60) / 60;
      const stat = q.metric?.stat ?? (INSIGHTS.exec(q.expression ?? "")?.[1] as string);
      const end = t - i * period;
      // Minutes after t - lag have not been delivered yet.
      v = aggregate(prepared[q.id] as Prepared, end - period + 1, Math.min(end, t - lag), stat);
    } else v = evaluateExpression(q.expression as string, values);
    values[q.id] = v;
    if (q.returnData) result = v;
  }
  return result;
}

function breaches(spec: MetricAlarmSpec, v: number): boolean {
  switch (spec.comparison) {
    case "GreaterThanThreshold":
      return v > spec.threshold;
    case "GreaterThanOrEqualToThreshold":
      return v >= spec.threshold;
    case "LessThanThreshold":
      return v < spec.threshold;
    case "LessThanOrEqualToThreshold":
      return v <= spec.threshold;
  }
}

/** A metric alarm's state at minute `t`. */
export function metricAlarmState(spec: MetricAlarmSpec, data: Data, t: number, lag = 0): State {
  const points = datapoints(spec, data, t, lag);
  let breaching = 0;
  let counted = 0;
  for (const v of points) {
    if (v === undefined) {
      if (spec.treatMissingData === "breaching") {
        breaching++;
        counted++;
      } else if (spec.treatMissingData === "notBreaching") counted++;
      continue;
    }
    counted++;
    if (breaches(spec, v)) breaching++;
  }
  if (counted === 0) return "INSUFFICIENT_DATA";
  return breaching >= spec.datapointsToAlarm ? "ALARM" : "OK";
}

function ruleHolds(rule: AlarmRule, states: Record<string, State>): boolean {
  if ("alarm" in rule) {
    const s = states[rule.alarm];
    if (s === undefined) throw new Error(`composite names an unknown alarm ${rule.alarm}`);
    return s === "ALARM";
  }
  return "and" in rule
    ? rule.and.every((r) => ruleHolds(r, states))
    : rule.or.some((r) => ruleHolds(r, states));
}

/**
 * Every alarm's state at minute `t`: metric alarms from the data (each reads `data[<alarm id>.<query id>]`
 * if present, else `data[<query id>]`, else nothing published), then composites from their inputs.
 */
export function states(specs: AlarmSpec[], data: Data, t: number, lag = 0): Record<string, State> {
  const out: Record<string, State> = {};
  for (const spec of specs) {
    if (spec.kind !== "metric") continue;
    const own: Data = {};
    // A query without data never published anything.
    for (const q of spec.queries) own[q.id] = data[`${spec.id}.${q.id}`] ?? data[q.id] ?? [];
    out[spec.id] = metricAlarmState(spec, own, t, lag);
  }
  for (const spec of specs)
    if (spec.kind === "composite") out[spec.id] = ruleHolds(spec.rule, out) ? "ALARM" : "OK";
  return out;
}

/** Per-minute values from segments: `[value or undefined, minutes]`, one after the other. */
export function minutes(...segments: Array<[number | undefined, number]>): Array<number | undefined> {
  return segments.flatMap(([v, n]) => Array.from({ length: n }, () => v));
}
