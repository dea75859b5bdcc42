import { stringify } from "yaml";
import { alertRules, RULE_GROUPS, type RuleGroup } from "./rules.js";

export interface AlertmanagerOptions {
  /** The SNS topic pages go to (whatever wakes someone up subscribes here). */
  pageTopicArn: string;
  /** The SNS topic tickets go to (a queue, a mailbox: read in working hours). */
  ticketTopicArn: string;
  region: string;
}

/** An inhibit rule: while an alert matching `source` fires, alerts matching `target` stay silent. */
export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
  /** Why, for the README and reviewers (not sent to AMP). */
  reason: string;
}

/**
 * Inhibitions: a dead collector is one alert, not one per series behind it; a fast burn of an SLO is one
 * page, not a page and a ticket.
 */
export function inhibitRules(groups: RuleGroup[] = RULE_GROUPS): InhibitRule[] {
  const rules = alertRules(groups);
  const named = (name: string) => {
    if (!rules.some((r) => r.alert === name)) throw new Error(`inhibit rule names no alert: ${name}`);
    return `alertname="${name}"`;
  };
  return [
    {
      source_matchers: [named("TelemetryScraperAbsent")],
      target_matchers: ['telemetry_path="scraper"'],
      reason:
        "Everything the backend reports reaches AMP through the scraper: when the scraper is gone, its absence is the one page.",
    },
    {
      source_matchers: [named("TelemetryProxyAbsent")],
      target_matchers: [named("BackendDroppingSpans")],
      reason:
        "The backend drops spans because the proxy is down: the proxy's absence is the cause to act on.",
    },
    {
      source_matchers: ['alertname=~"Backend.+BudgetBurnFast"'],
      target_matchers: ['alertname=~"Backend.+BudgetBurnSlow"'],
      equal: ["slo"],
      reason: "A fast burn of an SLO also crosses its slow-burn windows; the page covers the ticket.",
    },
  ];
}

/**
 * The AMP Alertmanager definition: `severity="page"` alerts to the page topic, everything else to the ticket
 * topic (both signed with SigV4 by AMP itself), grouped by alert name and job; pages repeat every hour while
 * they fire, tickets every 12 hours; the inhibit rules above.
 */
export function alertmanagerConfig(options: AlertmanagerOptions, groups: RuleGroup[] = RULE_GROUPS) {
  const sns = (topicArn: string, severity: string) => ({
    topic_arn: topicArn,
    sigv4: { region: options.region },
    subject: `[TrackGraph ${severity}] {{ .CommonLabels.alertname }}`,
    attributes: { severity },
  });
  return {
    route: {
      receiver: "ticket",
      group_by: ["alertname", "job"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [{ matchers: ['severity="page"'], receiver: "page", repeat_interval: "1h" }],
    },
    receivers: [
      { name: "page", sns_configs: [sns(options.pageTopicArn, "page")] },
      { name: "ticket", sns_configs: [sns(options.ticketTopicArn, "ticket")] },
    ],
    inhibit_rules: inhibitRules(groups).map(({ reason: _reason, ...rule }) => rule),
  };
}

/** The definition as AMP takes it: the Alertmanager config as a YAML string under `alertmanager_config`. */
export function alertmanagerDefinition(
  options: AlertmanagerOptions,
  groups: RuleGroup[] = RULE_GROUPS,
): string {
  return stringify(
    { alertmanager_config: stringify(alertmanagerConfig(options, groups), { lineWidth: 0 }) },
    { lineWidth: 0 },
  );
}
