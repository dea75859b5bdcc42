import { checkBrokenComponentPages } from "./checks/alerting.js";
import { checkDashboards, type DashboardCheckOptions } from "./checks/dashboards.js";
import { checkEdge } from "./checks/edge.js";
import { checkTraces } from "./checks/traces.js";
import type { CheckResult } from "./report.js";
import type { ValidationTarget } from "./target.js";

export interface ValidationOptions {
  dashboards?: DashboardCheckOptions;
}

/**
 * The design's three checks, one after the other (each sends its own traffic), against one target; then,
 * where the target can break a component (the local plane), the fourth: a broken component pages.
 */
export async function runValidation(
  target: ValidationTarget,
  options: ValidationOptions = {},
): Promise<CheckResult[]> {
  return [
    await checkTraces(target),
    await checkDashboards(target, options.dashboards),
    await checkEdge(target),
    ...(target.alerts === undefined ? [] : [await checkBrokenComponentPages(target)]),
  ];
}
