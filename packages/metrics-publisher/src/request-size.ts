import type { MetricDatum } from "@aws-sdk/client-cloudwatch";

/**
 * Bytes a datum takes in a PutMetricData request, in the query protocol: the most verbose of the three
 * encodings CloudWatch accepts (query, JSON 1.0, RPC v2 CBOR), so a batch under the limit here is under
 * it in all of them. Member indexes are counted at their widest (4 digits) so the size of a datum does not
 * depend on its position.
 */
export function datumBytes(datum: MetricDatum): number {
  const pair = (key: string, value: string): number =>
    PREFIX + key.length + 1 + encodeURIComponent(value).length + 1;
  let bytes = pair("MetricName", datum.MetricName ?? "");
  for (const d of datum.Dimensions ?? []) {
    bytes +=
      pair("Dimensions.member.30.Name", d.Name ?? "") + pair("Dimensions.member.30.Value", d.Value ?? "");
  }
  bytes += pair("Timestamp", "2000-01-01T00:00:00.000Z");
  if (datum.Value !== undefined) bytes += NUMBER_PAIR("Value") + numberBytes(datum.Value);
  if (datum.Unit !== undefined) bytes += pair("Unit", datum.Unit);
  if (datum.StorageResolution !== undefined)
    bytes += NUMBER_PAIR("StorageResolution") + numberBytes(datum.StorageResolution);
  // Values and counts are most of a distribution's bytes: measured without building encoded strings.
  for (const v of datum.Values ?? []) bytes += VALUE_PAIR + numberBytes(v);
  for (const c of datum.Counts ?? []) bytes += COUNT_PAIR + numberBytes(c);
  const stats = datum.StatisticValues;
  if (stats !== undefined) {
    for (const [key, value] of Object.entries(stats))
      bytes += NUMBER_PAIR(`StatisticValues.${key}`) + numberBytes(Number(value));
  }
  return bytes;
}

const PREFIX = "MetricData.member.1000.".length;
/** Bytes of `<prefix><key>=` and the `&` after the value. */
const NUMBER_PAIR = (key: string): number => PREFIX + key.length + 2;
const VALUE_PAIR = NUMBER_PAIR("Values.member.150");
const COUNT_PAIR = NUMBER_PAIR("Counts.member.150");

/**
 * A number's form-encoded length: its digits, with `+` (in exponents) escaped as %2B. Whole numbers are
 * counted arithmetically; other values are memoized, because an hour of latencies repeats the same few
 * thousand values and `String(double)` is the planner's most expensive step.
 */
function numberBytes(value: number): number {
  if (Number.isSafeInteger(value)) {
    let digits = value < 0 ? 2 : 1;
    for (let rest = Math.abs(value); rest >= 10; rest = Math.floor(rest / 10)) digits++;
    return digits;
  }
  let bytes = lengthCache.get(value);
  if (bytes === undefined) {
    const text = String(value);
    bytes = text.includes("+") ? text.length + 2 : text.length;
    if (lengthCache.size >= LENGTH_CACHE_LIMIT) lengthCache.clear();
    lengthCache.set(value, bytes);
  }
  return bytes;
}

const LENGTH_CACHE_LIMIT = 65_536;
const lengthCache = new Map<number, number>();

/** Bytes of the request around its data: action, version, namespace, and HTTP framing margin. */
export function requestOverheadBytes(namespace: string): number {
  return (
    "Action=PutMetricData&Version=2010-08-01&Namespace=".length + encodeURIComponent(namespace).length + 2048
  );
}
