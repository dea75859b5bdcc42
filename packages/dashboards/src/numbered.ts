import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

/**
 * Gives every panel (rows included) a unique id, in layout order. The builders leave ids unset (rows get
 * 0), and Grafana keys panel links, edits and alert annotations by id.
 */
export function numbered(d: dashboard.Dashboard): dashboard.Dashboard {
  return { ...d, panels: (d.panels ?? []).map((panel, i) => ({ ...panel, id: i + 1 })) };
}
