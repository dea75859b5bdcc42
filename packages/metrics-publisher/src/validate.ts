import { MetricValidationError } from "./errors.js";
import { LIMITS } from "./limits.js";
import type { Metric } from "./types.js";

/** Printable ASCII without control characters: what CloudWatch accepts in names. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/** Namespace characters CloudWatch documents: alphanumerics and . - _ / # : and space. */
const NAMESPACE = /^[0-9A-Za-z.\-_/#: ]+$/;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function validateNamespace(namespace: string): void {
  if (namespace.length === 0 || namespace.length > LIMITS.nameLength) {
    throw new Error(`namespace "${namespace}" must be 1 to ${LIMITS.nameLength} characters`);
  }
  if (!NAMESPACE.test(namespace))
    throw new Error(`namespace "${namespace}" may hold only letters, digits and . - _ / # : and space`);
  if (namespace.startsWith("AWS/"))
    throw new Error(`namespace "${namespace}": the AWS/ prefix is reserved for AWS services`);
}

function checkValue(value: number, what: string, fail: (problem: string) => never): void {
  if (!Number.isFinite(value)) fail(`${what} ${value} is not a finite number`);
  const magnitude = Math.abs(value);
  if (magnitude > LIMITS.maxMagnitude || (magnitude !== 0 && magnitude < LIMITS.minMagnitude)) {
    fail(`${what} ${value} is outside CloudWatch's range (magnitude 2^-260 to 2^360, or 0)`);
  }
}

type Fail = (problem: string) => never;

/**
 * Checks one metric against every PutMetricData rule we can check locally, so a bad metric fails before
 * any request is sent rather than in the middle of a publish.
 */
export function validateMetric(metric: Metric, index: number, nowMs: number): void {
  const fail: Fail = (problem) => {
    throw new MetricValidationError(index, String(metric.name), problem);
  };
  checkName(metric.name, fail);
  checkDimensions(metric.dimensions ?? {}, fail);
  checkTimestamp(metric.timestamp, nowMs, fail);
  if (
    metric.storageResolution !== undefined &&
    metric.storageResolution !== 1 &&
    metric.storageResolution !== 60
  ) {
    fail(`storage resolution ${metric.storageResolution}; it must be 1 or 60`);
  }
  switch (metric.kind) {
    case "counter":
    case "gauge":
      checkValue(metric.value, "value", fail);
      break;
    case "distribution":
      checkDistribution(metric.values, metric.counts, fail);
      break;
    default:
      fail(`unknown kind "${(metric as { kind: unknown }).kind}"`);
  }
}

function checkName(name: unknown, fail: Fail): void {
  if (typeof name !== "string" || name.length === 0 || name.length > LIMITS.nameLength) {
    fail(`the name must be 1 to ${LIMITS.nameLength} characters`);
  }
  if (!PRINTABLE_ASCII.test(name)) fail("the name must be printable ASCII");
}

function checkDimensions(dimensionMap: Record<string, string>, fail: Fail): void {
  const dimensions = Object.entries(dimensionMap);
  if (dimensions.length > LIMITS.dimensionsPerDatum) {
    fail(`${dimensions.length} dimensions; CloudWatch accepts at most ${LIMITS.dimensionsPerDatum}`);
  }
  for (const [name, value] of dimensions) {
    if (
      name.length === 0 ||
      name.length > LIMITS.nameLength ||
      !PRINTABLE_ASCII.test(name) ||
      name.startsWith(":")
    ) {
      fail(`dimension name "${name}" must be 1 to 255 printable ASCII characters, not starting with ":"`);
    }
    if (typeof value !== "string" || value.length === 0 || value.length > LIMITS.dimensionValueLength) {
      fail(
        `dimension "${name}" has value "${value}"; values must be 1 to ${LIMITS.dimensionValueLength} characters`,
      );
    }
    if (hasControlCharacter(value)) fail(`dimension "${name}" value contains control characters`);
  }
}

function checkTimestamp(timestamp: Date, nowMs: number, fail: Fail): void {
  const time = timestamp instanceof Date ? timestamp.getTime() : Number.NaN;
  if (Number.isNaN(time)) fail("the timestamp is not a valid Date");
  if (time < nowMs - LIMITS.maxAgeMs) {
    fail(`timestamp ${timestamp.toISOString()} is more than two weeks old; CloudWatch rejects it`);
  }
  if (time > nowMs + LIMITS.maxAheadMs) {
    fail(`timestamp ${timestamp.toISOString()} is more than two hours ahead; CloudWatch rejects it`);
  }
}

function checkDistribution(values: readonly number[], counts: readonly number[], fail: Fail): void {
  if (values.length !== counts.length) {
    fail(`${values.length} values but ${counts.length} counts; they must pair up`);
  }
  // One pass; the Set for distinctness is only built when the values are not already ascending.
  let ascending = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const c = counts[i] as number;
    checkValue(v, `values[${i}]`, fail);
    if (!Number.isFinite(c) || c < 0) fail(`counts[${i}] ${c} must be a finite number of 0 or more`);
    if (i > 0 && v <= (values[i - 1] as number)) ascending = false;
  }
  if (!ascending && new Set(values).size !== values.length)
    fail("values must be distinct (add their counts instead)");
}
