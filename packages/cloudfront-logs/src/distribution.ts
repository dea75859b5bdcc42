/** Values are kept as integer microseconds: V8 stores small integers in a Map without allocating. */
const UNITS_PER_SECOND = 1_000_000;
const UNITS_PER_MS = 1000;
/**
 * Whole milliseconds below this are counted in a dense array, the common case for CloudFront timings
 * (millisecond resolution, mostly under two seconds); everything else goes to the Map. Both are exact.
 */
const DENSE_MS = 2048;

/**
 * An exact distribution of observed durations in seconds: every distinct value with its count, plus the
 * statistic set. CloudWatch accepts this as values/counts pairs, so percentiles computed there are exact.
 * Values are exact to the microsecond; CloudFront writes milliseconds.
 */
export class ValueDistribution {
  private readonly countsByUnit = new Map<number, number>();
  private dense: Uint32Array | undefined;
  count = 0;
  private sumUnits = 0;
  private minUnits = Number.POSITIVE_INFINITY;
  private maxUnits = Number.NEGATIVE_INFINITY;

  /** Adds `seconds`, `times` times. */
  add(seconds: number, times = 1): void {
    this.addUnits(Math.round(seconds * UNITS_PER_SECOND), times);
  }

  private addUnits(units: number, times: number): void {
    const ms = units / UNITS_PER_MS;
    const isDense = ms < DENSE_MS && ms >= 0 && (ms | 0) === ms;
    if (isDense && this.dense === undefined) this.dense = new Uint32Array(DENSE_MS);
    const dense = isDense ? this.dense : undefined;
    // A count that would overflow 32 bits goes to the Map; entries() adds both stores per value.
    if (dense !== undefined && (dense[ms] as number) + times <= 0xffffffff) {
      dense[ms] = (dense[ms] as number) + times;
    } else {
      const counts = this.countsByUnit;
      counts.set(units, (counts.get(units) ?? 0) + times);
    }
    this.count += times;
    this.sumUnits += units * times;
    if (units < this.minUnits) this.minUnits = units;
    if (units > this.maxUnits) this.maxUnits = units;
  }

  merge(other: ValueDistribution): void {
    for (const [units, times] of other.unitEntries()) this.addUnits(units, times);
  }

  /** [units, count] pairs from both stores, one per value, unsorted. */
  private unitEntries(): Array<[number, number]> {
    const dense = this.dense;
    if (dense === undefined) return [...this.countsByUnit];
    const merged = new Map(this.countsByUnit);
    for (let ms = 0; ms < DENSE_MS; ms++) {
      const times = dense[ms] as number;
      if (times > 0) merged.set(ms * UNITS_PER_MS, (merged.get(ms * UNITS_PER_MS) ?? 0) + times);
    }
    return [...merged];
  }

  get sum(): number {
    return this.sumUnits / UNITS_PER_SECOND;
  }

  get min(): number | undefined {
    return this.count === 0 ? undefined : this.minUnits / UNITS_PER_SECOND;
  }

  get max(): number | undefined {
    return this.count === 0 ? undefined : this.maxUnits / UNITS_PER_SECOND;
  }

  get distinctValues(): number {
    return this.dense === undefined ? this.countsByUnit.size : this.unitEntries().length;
  }

  /** Distinct values (seconds) in ascending order with their counts. */
  entries(): Array<[value: number, count: number]> {
    return this.unitEntries()
      .sort((a, b) => a[0] - b[0])
      .map(([units, times]): [number, number] => [units / UNITS_PER_SECOND, times]);
  }

  toJSON(): DistributionJSON {
    const entries = this.entries();
    return {
      count: this.count,
      sum: this.sum,
      min: this.min ?? null,
      max: this.max ?? null,
      values: entries.map(([value]) => value),
      counts: entries.map(([, times]) => times),
    };
  }
}

export interface DistributionJSON {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  values: number[];
  counts: number[];
}
