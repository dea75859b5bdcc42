/** CloudWatch PutMetricData limits, from the API reference. */
export const LIMITS = {
  /** MetricData members in one request. */
  dataPerRequest: 1000,
  /** Request payload: 1 MB. We budget below it, measured in the most verbose encoding (query). */
  requestBytes: 1_000_000,
  dimensionsPerDatum: 30,
  /** Distinct values in one Values/Counts pair. */
  valuesPerDatum: 150,
  nameLength: 255,
  dimensionValueLength: 1024,
  /** Accepted magnitude of a value: 2^360; smaller non-zero magnitudes than 2^-260 are refused. */
  maxMagnitude: 2 ** 360,
  minMagnitude: 2 ** -260,
  /** How far in the past and future a timestamp may be. */
  maxAgeMs: 14 * 24 * 3600 * 1000,
  maxAheadMs: 2 * 3600 * 1000,
} as const;
