const LEGACY_NAME = /^([A-Z0-9]{6,})\.\d{4}-\d{2}-\d{2}-\d{2}\.[^./]+(\.gz)?$/;
const ID_SEGMENT = /^E[A-Z0-9]{5,}$/;
const HIVE_SEGMENT = /^DistributionId=([A-Z0-9]{6,})$/i;

/**
 * The distribution id a log object belongs to, read from its key or file name: the legacy name
 * `<id>.YYYY-MM-DD-HH.<unique>.gz`, a Hive partition `DistributionId=<id>`, or a path segment that is
 * a distribution id (v2 partitioning `{DistributionId}/{yyyy}/...`). Undefined when none is found.
 */
export function distributionIdFromKey(key: string): string | undefined {
  const segments = key.split("/");
  const name = segments.at(-1) ?? "";
  const legacy = LEGACY_NAME.exec(name);
  if (legacy?.[1] !== undefined) return legacy[1];
  for (const segment of segments) {
    const hive = HIVE_SEGMENT.exec(segment);
    if (hive?.[1] !== undefined) return hive[1];
  }
  for (const segment of segments.slice(0, -1)) if (ID_SEGMENT.test(segment)) return segment;
  const v2Name = /(?:^|[._-])(E[A-Z0-9]{5,})(?=[._-])/.exec(name);
  return v2Name?.[1];
}
