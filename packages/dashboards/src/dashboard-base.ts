import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

/**
 * Gives every panel (rows included) a unique id, in layout order. The builders leave ids unset (rows get
 * 0), and Grafana keys panel links, edits and alert annotations by id.
 */
export function numbered(d: dashboard.Dashboard): dashboard.Dashboard {
  return { ...d, panels: (d.panels ?? []).map((panel, i) => ({ ...panel, id: i + 1 })) };
}

/** What every TrackGraph dashboard has: uid, tags, refresh, time range, the browser's time zone. */
export function trackgraphDashboard(
  title: string,
  uid: string,
  tag: string,
  view: { refresh: string; from: string },
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .tags(["trackgraph", tag])
    .refresh(view.refresh)
    .time({ from: view.from, to: "now" })
    .timezone("browser");
}
