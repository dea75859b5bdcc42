import { LIMITS } from "./limits.js";
import type { Metric } from "./types.js";

/** The timestamps CloudWatch accepts, inclusive at both ends. */
export interface TimestampWindow {
  from: Date;
  to: Date;
}

/**
 * The timestamps CloudWatch accepts in a request sent at `nowMs`: at most two weeks old and at most two
 * hours ahead. `marginMs` narrows both ends, for metrics planned now and sent later (a retry, say).
 */
export function timestampWindow(nowMs: number, marginMs = 0): TimestampWindow {
  if (!Number.isFinite(nowMs)) throw new RangeError(`now ${nowMs} is not a time`);
  if (!Number.isFinite(marginMs) || marginMs < 0 || 2 * marginMs >= LIMITS.maxAgeMs + LIMITS.maxAheadMs)
    throw new RangeError(`margin ${marginMs} ms must be 0 or more and leave a window`);
  return {
    from: new Date(nowMs - LIMITS.maxAgeMs + marginMs),
    to: new Date(nowMs + LIMITS.maxAheadMs - marginMs),
  };
}

export function inWindow(timestamp: Date, window: TimestampWindow): boolean {
  const time = timestamp.getTime();
  return time >= window.from.getTime() && time <= window.to.getTime();
}

/**
 * Splits metrics into those CloudWatch accepts in `window` and those it would refuse. One refused
 * timestamp makes PutMetricData reject its whole request, so a caller that wants the rest published
 * drops these (and counts them) instead of failing everything.
 */
export function partitionByWindow<T extends Metric>(
  metrics: readonly T[],
  window: TimestampWindow,
): { inWindow: T[]; outOfWindow: T[] } {
  const accepted: T[] = [];
  const refused: T[] = [];
  for (const metric of metrics) (inWindow(metric.timestamp, window) ? accepted : refused).push(metric);
  return { inWindow: accepted, outOfWindow: refused };
}
