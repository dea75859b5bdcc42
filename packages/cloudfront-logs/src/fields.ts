/**
 * Field names of the CloudFront standard log, in the order of the current 33-field legacy format.
 * Files written before 2019 stop after the first 26 of these; standard logging v2 lets the owner pick
 * and reorder any subset, so the order of a file always comes from its `#Fields` header when it has one.
 */
export const LEGACY_FIELDS = [
  "date",
  "time",
  "x-edge-location",
  "sc-bytes",
  "c-ip",
  "cs-method",
  "cs(Host)",
  "cs-uri-stem",
  "sc-status",
  "cs(Referer)",
  "cs(User-Agent)",
  "cs-uri-query",
  "cs(Cookie)",
  "x-edge-result-type",
  "x-edge-request-id",
  "x-host-header",
  "cs-protocol",
  "cs-bytes",
  "time-taken",
  "x-forwarded-for",
  "ssl-protocol",
  "ssl-cipher",
  "x-edge-response-result-type",
  "cs-protocol-version",
  "fle-status",
  "fle-encrypted-fields",
  "c-port",
  "time-to-first-byte",
  "x-edge-detailed-result-type",
  "sc-content-type",
  "sc-content-len",
  "sc-range-start",
  "sc-range-end",
] as const;

/** The number of fields in log files written before the 2019 format extension. */
export const LEGACY_FIELD_COUNT_2018 = 26;

/** Fields that CloudFront URL-encodes; values stay encoded until a caller asks for them decoded. */
export const URL_ENCODED_FIELDS: ReadonlySet<string> = new Set([
  "cs-uri-stem",
  "cs-uri-query",
  "cs(Referer)",
  "cs(User-Agent)",
  "cs(Cookie)",
]);

/** The fields the aggregator reads. Everything else is skipped without creating a string. */
export interface AggregatedFieldIndexes {
  date: number;
  time: number;
  timestamp: number;
  timestampMs: number;
  status: number;
  bytesSent: number;
  bytesReceived: number;
  edgeResultType: number;
  timeTaken: number;
  timeToFirstByte: number;
  distributionId: number;
}

export function aggregatedFieldIndexes(fields: readonly string[]): AggregatedFieldIndexes {
  const at = (name: string): number => fields.indexOf(name);
  return {
    date: at("date"),
    time: at("time"),
    timestamp: at("timestamp"),
    timestampMs: at("timestamp(ms)"),
    status: at("sc-status"),
    bytesSent: at("sc-bytes"),
    bytesReceived: at("cs-bytes"),
    edgeResultType: at("x-edge-result-type"),
    timeTaken: at("time-taken"),
    timeToFirstByte: at("time-to-first-byte"),
    distributionId: at("DistributionId"),
  };
}

/** Decodes `%XX` escapes; malformed escapes are kept as they are instead of throwing. */
export function decodeField(value: string, passes = 1): string {
  let out = value;
  for (let pass = 0; pass < passes && out.includes("%"); pass++) {
    try {
      out = decodeURIComponent(out);
    } catch {
      out = out.replace(/%[0-9A-Fa-f]{2}/g, (sequence) => {
        try {
          return decodeURIComponent(sequence);
        } catch {
          return sequence;
        }
      });
    }
  }
  return out;
}
