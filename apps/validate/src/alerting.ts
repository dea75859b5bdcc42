import {
  type AlertmanagerConfig,
  type AlertmanagerTimings,
  alertmanagerYaml,
  localAlertmanagerConfig,
  type RuleTimings,
  ruleGroups,
  rulesYaml,
} from "@trackgraph/dashboards";
import type { AlertMessage, PlaneAlerting, PlaneAlertingOptions } from "@trackgraph/local-plane";

/**
 * The timings of the local alert tests and of `pnpm validate`'s fourth check. The rules are the deployed
 * ones with every `for` and range divided by 30 (absence: 20 s window, `for` 10 s; fast burn: 4 s `for`,
 * windows of 10 s to 12 min; slow burn: 30 s `for`), evaluated every 2 s; Alertmanager waits 2 s before a
 * group's first message and 5 s between updates.
 */
export const FAST_RULE_TIMINGS: RuleTimings = { divideBy: 30, interval: "2s" };
export const FAST_ALERTMANAGER_TIMINGS: AlertmanagerTimings = {
  groupWait: "2s",
  groupInterval: "5s",
  repeatInterval: "1h",
};

/** The two alert topics of the plane, named like the stack's (`<project>-<stack>-alerts[-page]`). */
export const ALERT_TOPICS = { page: "trackgraph-local-alerts-page", ticket: "trackgraph-local-alerts" };

export interface PlaneAlertingChoice {
  /** `fast` (tests, validate) or `production` (the rule file and timings AMP gets; `pnpm plane`). */
  timings: "fast" | "production";
  /** Changes the rendered Alertmanager config: the tests break a route or an inhibit rule with it. */
  alter?: (config: AlertmanagerConfig) => AlertmanagerConfig;
}

/**
 * The plane's alerting, from what we deploy: the rule file of @trackgraph/dashboards and the Alertmanager
 * definition we give AMP, rendered for moto (api_url and the emulator's keys: localAlertmanagerConfig).
 */
export function planeAlerting(choice: PlaneAlertingChoice): PlaneAlertingOptions {
  const fast = choice.timings === "fast";
  const groups = ruleGroups(fast ? { timings: FAST_RULE_TIMINGS } : {});
  const alter = choice.alter ?? ((c) => c);
  return {
    rules: rulesYaml(groups),
    evaluationInterval: fast ? FAST_RULE_TIMINGS.interval : "1m",
    topics: ALERT_TOPICS,
    alertmanagerConfig: (sns) =>
      alertmanagerYaml(
        alter(
          localAlertmanagerConfig(
            {
              pageTopicArn: sns.topicArns.page ?? "",
              ticketTopicArn: sns.topicArns.ticket ?? "",
              region: sns.region,
              ...(fast ? { timings: FAST_ALERTMANAGER_TIMINGS } : {}),
            },
            { apiUrl: sns.apiUrl, accessKey: sns.accessKey, secretKey: sns.secretKey },
            groups,
          ),
        ),
      ),
  };
}

/** The alert name in a subject such as `[TrackGraph page] TelemetryScraperAbsent resolved`. */
export function subjectAlert(subject: string): { alertname: string; resolved: boolean } {
  const m = /^\[TrackGraph \w+\] (\S+)( resolved)?$/.exec(subject);
  return { alertname: m?.[1] ?? "", resolved: m?.[2] !== undefined };
}

export class AlertTimeout extends Error {
  override readonly name = "AlertTimeout";
}

/** Every message the alert queues delivered since the last `clear()`, and waits for the one expected. */
export class AlertInbox {
  readonly seen: AlertMessage[] = [];
  constructor(private readonly alerting: PlaneAlerting) {}

  /** Reads the queues once (waiting up to `waitSeconds` for something). */
  async poll(waitSeconds = 1): Promise<void> {
    this.seen.push(...(await this.alerting.receive(waitSeconds)));
  }

  /** Waits until a message on `topic` names `alertname` (firing, or `resolved`); fails with what came. */
  async waitFor(
    topic: string,
    alertname: string,
    options: { resolved?: boolean; timeoutMs: number },
  ): Promise<AlertMessage> {
    const wanted = (m: AlertMessage) => {
      const s = subjectAlert(m.subject);
      return m.topic === topic && s.alertname === alertname && s.resolved === (options.resolved ?? false);
    };
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const found = this.seen.find(wanted);
      if (found) return found;
      if (Date.now() > deadline) {
        const got = this.seen.map((m) => `${m.topic}: ${m.subject}`).join("; ") || "nothing";
        throw new AlertTimeout(
          `no ${options.resolved ? "resolved " : ""}${alertname} on the ${topic} queue within ${options.timeoutMs / 1000} s (received: ${got})`,
        );
      }
      await this.poll(1);
    }
  }

  /** Messages on `topic` naming `alertname` so far (firing ones unless `resolved`). */
  count(topic: string, alertname: string, resolved = false): number {
    return this.seen.filter((m) => {
      const s = subjectAlert(m.subject);
      return m.topic === topic && s.alertname === alertname && s.resolved === resolved;
    }).length;
  }

  clear(): void {
    this.seen.length = 0;
  }
}

/** The runbook link in a message (Alertmanager's default SNS body lists each alert's annotations). */
export function runbookOf(message: AlertMessage): string | undefined {
  return /runbook_url = (\S+)/.exec(message.message)?.[1];
}
