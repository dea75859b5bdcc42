import { parseCheckovSkips, readCheckovSkips } from "../blocks/checkov.js";

/** The parts of checkov's JSON report (`-o json`, terraform_json framework) the gate reads. */
export interface CheckovReport {
  results: {
    failed_checks: Array<{ check_id: string; resource: string; file_path: string; check_name?: string }>;
    passed_checks: unknown[];
  };
}

export interface Finding {
  stack: string;
  logicalId: string;
  checkId: string;
  name: string;
}

export interface GateResult {
  passed: number;
  /** Failed checks with no suppression next to the resource: these fail the build. */
  unsuppressed: Finding[];
  suppressed: Array<Finding & { reason: string }>;
  /** Suppressions whose check no longer fails: stale, so they fail the build too. */
  stale: Array<Omit<Finding, "name">>;
}

type TerraformJson = Record<string, unknown> & {
  "//"?: { checkov?: Record<string, unknown> };
  resource?: Record<string, Record<string, { "//"?: { checkov?: unknown } }>>;
  data?: Record<string, Record<string, { "//"?: { checkov?: unknown } }>>;
};

/** checkov names resources `type.id`, `resource.id` or `data.id`; cdktf logical ids are unique per stack. */
const logicalIdOf = (resource: string): string => resource.slice(resource.lastIndexOf(".") + 1);
const stackOf = (path: string): string => /([^/]+)\/cdk\.tf\.json$/.exec(path)?.[1] ?? path;

/** Every suppression the constructs recorded, keyed `stack|logicalId|checkId`, with its reason. */
function recordedSuppressions(stacks: ReadonlyMap<string, TerraformJson>): Map<string, string> {
  const suppressions = new Map<string, string>();
  const add = (stack: string, logicalId: string, skips: Map<string, string>) => {
    for (const [checkId, reason] of skips) suppressions.set(`${stack}|${logicalId}|${checkId}`, reason);
  };
  for (const [stack, json] of stacks) {
    // Data sources' suppressions live in the stack's root "//" block (see checkovSkips).
    for (const [logicalId, lines] of Object.entries(json["//"]?.checkov ?? {}))
      add(stack, logicalId, parseCheckovSkips(lines));
    const byType = [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})];
    for (const [logicalId, block] of byType.flatMap((byId) => Object.entries(byId)))
      add(stack, logicalId, readCheckovSkips(block));
  }
  return suppressions;
}

/**
 * Checkov's terraform_json runner does not read inline suppressions, so the gate applies the ones the
 * constructs record under each resource's `//.checkov`: a failed check is accepted only where a reason was
 * written next to the resource, and a suppression nothing needs any more is reported as stale.
 */
export function evaluateCheckov(
  report: CheckovReport,
  stacks: ReadonlyMap<string, TerraformJson>,
): GateResult {
  const suppressions = recordedSuppressions(stacks);
  const result: GateResult = {
    passed: report.results.passed_checks.length,
    unsuppressed: [],
    suppressed: [],
    stale: [],
  };
  const used = new Set<string>();
  for (const check of report.results.failed_checks) {
    const finding = {
      stack: stackOf(check.file_path),
      logicalId: logicalIdOf(check.resource),
      checkId: check.check_id,
      name: check.check_name ?? "",
    };
    const key = `${finding.stack}|${finding.logicalId}|${finding.checkId}`;
    const reason = suppressions.get(key);
    if (reason === undefined || reason === "") result.unsuppressed.push(finding);
    else {
      used.add(key);
      result.suppressed.push({ ...finding, reason });
    }
  }
  for (const key of suppressions.keys()) {
    if (used.has(key)) continue;
    const [stack = "", logicalId = "", checkId = ""] = key.split("|");
    result.stale.push({ stack, logicalId, checkId });
  }
  return result;
}

export function formatGateResult(result: GateResult): string {
  const lines = [
    `checkov: ${result.passed} passed, ${result.suppressed.length} suppressed with a reason, ${result.unsuppressed.length} failed, ${result.stale.length} stale suppressions`,
  ];
  for (const f of result.unsuppressed)
    lines.push(`  FAILED ${f.stack}: ${f.checkId} on ${f.logicalId} (${f.name})`);
  for (const s of result.stale)
    lines.push(
      `  STALE  ${s.stack}: ${s.checkId} is suppressed on ${s.logicalId} but no longer fails; remove the suppression`,
    );
  return lines.join("\n");
}
