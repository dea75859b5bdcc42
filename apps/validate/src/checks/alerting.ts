import { windowSeconds } from "@trackgraph/dashboards";
import { ALERT_TOPICS, type AlertInbox, FAST_ALERTMANAGER_TIMINGS, runbookOf } from "../alerting.js";
import { CheckFailed, type CheckResult, runCheck } from "../report.js";
import type { ValidationTarget } from "../target.js";

type Alerts = NonNullable<ValidationTarget["alerts"]>;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Three times the fast timings' group wait: how long a downstream alert's own message could take to leave. */
export const DOWNSTREAM_SETTLE_MS = 3 * windowSeconds(FAST_ALERTMANAGER_TIMINGS.groupWait) * 1000;

/**
 * Waits until Alertmanager holds no alert (the plane's start can fire an absence alert for a moment, before
 * the collectors' first samples arrive), then empties the queues, so the check sees only its own fault.
 */
export async function waitForQuiet(alerts: Alerts, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const active = (await alerts.alertmanager.alerts()).filter((a) => a.status.state !== "unprocessed");
    quietSince = active.length === 0 ? (quietSince ?? Date.now()) : undefined;
    // Quiet for a group interval and more: any resolved message of the start-up is sent by then.
    if (quietSince !== undefined && Date.now() - quietSince > 8_000) {
      await alerts.inbox.poll(0);
      alerts.inbox.clear();
      return;
    }
    await alerts.inbox.poll(1);
  }
  throw new CheckFailed("alerts still active before the fault", "the plane did not settle; see Alertmanager");
}

type HeldAlert = Awaited<ReturnType<Alerts["alertmanager"]["alerts"]>>[number];

/**
 * Waits until Alertmanager holds `alertname` (Prometheus fired it), reading the queues meanwhile, then
 * reads them for `settleMs` more: a message of its own would have left within its group's wait by then.
 * The downstream alert fires after its cause by design, so its state cannot be read at the cause's page.
 */
export async function heldAlert(
  alerts: Alerts,
  alertname: string,
  options: { timeoutMs: number; settleMs: number },
): Promise<HeldAlert> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    // An unprocessed alert has not been matched against the inhibit rules yet.
    const held = (await alerts.alertmanager.alerts()).find(
      (a) => a.labels.alertname === alertname && a.status.state !== "unprocessed",
    );
    if (held !== undefined) {
      const settled = Date.now() + options.settleMs;
      while (Date.now() < settled) await alerts.inbox.poll(1);
      return held;
    }
    if (Date.now() > deadline)
      throw new CheckFailed(
        `${alertname} never fired`,
        `Alertmanager held no ${alertname} within ${options.timeoutMs / 1000} s of the page; see Prometheus's /alerts`,
      );
    await alerts.inbox.poll(1);
  }
}

async function pageArrives(inbox: AlertInbox, timeoutMs: number) {
  try {
    return await inbox.waitFor("page", "TelemetryScraperAbsent", { timeoutMs });
  } catch (error) {
    throw new CheckFailed(
      "no page",
      `${(error as Error).message}; see Prometheus's /alerts and Alertmanager's UI`,
    );
  }
}

/**
 * Check 4: a broken component pages. Stops the metrics scraper and waits for the page its absence raises
 * on the page topic's queue (subject, severity attribute, runbook link), with the downstream
 * BackendMetricsAbsent inhibited and never sent; then starts the scraper again and waits for the resolved
 * message. Only on the local plane.
 */
export function checkBrokenComponentPages(target: ValidationTarget): Promise<CheckResult> {
  return runCheck(
    "A broken component pages",
    `stopped the metrics scraper; read SNS ${ALERT_TOPICS.page} through its SQS queue`,
    async () => {
      const alerts = target.alerts;
      if (alerts === undefined)
        throw new CheckFailed("not run", "only the local plane can break a component");
      const timeoutMs = Math.max(target.timeoutSeconds, 120) * 1000;
      await waitForQuiet(alerts, timeoutMs);
      const faultAt = Date.now();
      await alerts.faults.stopCollector("scraper");
      let page: Awaited<ReturnType<typeof pageArrives>>;
      let suppressed: boolean;
      try {
        page = await pageArrives(alerts.inbox, timeoutMs);
        const downstream = await heldAlert(alerts, "BackendMetricsAbsent", {
          timeoutMs,
          settleMs: DOWNSTREAM_SETTLE_MS,
        });
        suppressed = downstream.status.inhibitedBy.length > 0;
      } finally {
        await alerts.faults.startCollector("scraper");
      }
      const toPage = page.receivedAt.getTime() - faultAt;
      const runbook = runbookOf(page);
      if (page.attributes.severity !== "page" || runbook === undefined)
        throw new CheckFailed(
          `"${page.subject}" with severity=${page.attributes.severity ?? "none"}`,
          "the page lacks its severity attribute or runbook link: see the Alertmanager definition",
        );
      const duplicates = alerts.inbox.count("page", "BackendMetricsAbsent");
      if (!suppressed || duplicates > 0)
        throw new CheckFailed(
          `the page came, and BackendMetricsAbsent ${duplicates > 0 ? "paged too" : "was not inhibited"}`,
          "the inhibit rule on telemetry_path=scraper did not hold",
        );
      const restartedAt = Date.now();
      const resolved = await alerts.inbox
        .waitFor("page", "TelemetryScraperAbsent", { resolved: true, timeoutMs })
        .catch((error: Error) => {
          throw new CheckFailed("the page never resolved", error.message);
        });
      return `"${page.subject}" (severity=${page.attributes.severity}, runbook ${runbook}) ${seconds(toPage)} after the fault; BackendMetricsAbsent inhibited; resolved ${seconds(resolved.receivedAt.getTime() - restartedAt)} after the restart`;
    },
  );
}
