import { stringify } from "yaml";
import { alertRules, RULE_GROUPS, type RuleGroup } from "./rules.js";
import { windowSeconds } from "./slo.js";

export interface AlertmanagerOptions {
  /** The SNS topic pages go to (whatever wakes someone up subscribes here). */
  pageTopicArn: string;
  /** The SNS topic tickets go to (a queue, a mailbox: read in working hours). */
  ticketTopicArn: string;
  region: string;
  /** Shorter grouping timings for tests on the local plane; the definition we deploy never sets them. */
  timings?: AlertmanagerTimings;
}

/** How long Alertmanager waits before a group's first message, between its updates, and before a repeat. */
export interface AlertmanagerTimings {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

const PRODUCTION_TIMINGS = {
  ticket: { groupWait: "30s", groupInterval: "5m", repeatInterval: "12h" },
  page: { repeatInterval: "1h" },
} as const;

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
 * they fire, tickets every 12 hours; the inhibit rules above. The subject says when a group has resolved.
 */
export function alertmanagerConfig(options: AlertmanagerOptions, groups: RuleGroup[] = RULE_GROUPS) {
  const sns = (topicArn: string, severity: string) => ({
    topic_arn: topicArn,
    sigv4: { region: options.region },
    subject: `[TrackGraph ${severity}] {{ .CommonLabels.alertname }}{{ if eq .Status "resolved" }} resolved{{ end }}`,
    attributes: { severity },
  });
  const t = options.timings;
  return {
    route: {
      receiver: "ticket",
      group_by: ["alertname", "job"],
      group_wait: t?.groupWait ?? PRODUCTION_TIMINGS.ticket.groupWait,
      group_interval: t?.groupInterval ?? PRODUCTION_TIMINGS.ticket.groupInterval,
      repeat_interval: t?.repeatInterval ?? PRODUCTION_TIMINGS.ticket.repeatInterval,
      routes: [
        {
          matchers: ['severity="page"'],
          receiver: "page",
          repeat_interval: t?.repeatInterval ?? PRODUCTION_TIMINGS.page.repeatInterval,
        },
      ],
    },
    receivers: [
      { name: "page", sns_configs: [sns(options.pageTopicArn, "page")] },
      { name: "ticket", sns_configs: [sns(options.ticketTopicArn, "ticket")] },
    ],
    inhibit_rules: inhibitRules(groups).map(({ reason: _reason, ...rule }) => rule),
  };
}

export type AlertmanagerConfig = ReturnType<typeof alertmanagerConfig>;

/** Where a stand-in for AMP's alert manager sends SNS calls, and the credentials it signs them with. */
export interface LocalSns {
  /** The SNS endpoint (an emulator). */
  apiUrl: string;
  accessKey: string;
  secretKey: string;
}

/**
 * The same definition for a self-run Alertmanager in front of an SNS emulator: each SNS receiver gains
 * `api_url` and SigV4 keys, the only two things AMP sets for itself (it forbids `api_url` and signs with
 * its own role). Nothing else differs, so the local plane routes and inhibits exactly as AMP would.
 */
export function localAlertmanagerConfig(
  options: AlertmanagerOptions,
  local: LocalSns,
  groups: RuleGroup[] = RULE_GROUPS,
) {
  const config = alertmanagerConfig(options, groups);
  return {
    ...config,
    receivers: config.receivers.map((r) => ({
      ...r,
      sns_configs: r.sns_configs.map((c) => ({
        ...c,
        api_url: local.apiUrl,
        sigv4: { ...c.sigv4, access_key: local.accessKey, secret_key: local.secretKey },
      })),
    })),
  };
}

/** The longest `repeat_interval` AMP honours (a longer one is treated as five days). */
const AMP_MAX_REPEAT_SECONDS = 5 * 86_400;
const SNS_KEYS = new Set([
  "topic_arn",
  "sigv4",
  "subject",
  "message",
  "attributes",
  "send_resolved",
  "phone_number",
  "target_arn",
]);

type Json = Record<string, unknown>;
function walkRoutes(route: Json, visit: (route: Json) => void): void {
  visit(route);
  for (const child of (route.routes as Json[] | undefined) ?? []) walkRoutes(child, visit);
}

/** Why AMP would refuse one setting of an SNS receiver, if it would. */
function snsKeyProblem(key: string): string | undefined {
  if (key === "api_url") return "api_url (AMP sets it and refuses one)";
  if (key === "http_config") return "http_config (AMP does not support it)";
  return SNS_KEYS.has(key) ? undefined : `unknown SNS setting ${key}`;
}

function snsProblems(sns: Json): string[] {
  const problems = Object.keys(sns).flatMap((key) => snsKeyProblem(key) ?? []);
  const sigv4 = sns.sigv4 as Json | undefined;
  if (typeof sigv4?.region !== "string") problems.push("sigv4 needs a region in AMP");
  for (const key of ["access_key", "secret_key", "profile"]) {
    if (sigv4?.[key] !== undefined) problems.push(`sigv4.${key} (AMP signs with its own role)`);
  }
  if (String(sns.topic_arn ?? "").endsWith(".fifo"))
    problems.push("a FIFO topic (AMP needs a standard topic)");
  return problems;
}

function receiverProblems(receiver: Json): string[] {
  const name = String(receiver.name);
  const others = Object.keys(receiver)
    .filter((key) => key !== "name" && key !== "sns_configs")
    .map((key) => `${key} (AMP delivers only to SNS)`);
  const sns = ((receiver.sns_configs as Json[] | undefined) ?? []).flatMap(snsProblems);
  return [...others, ...sns].map((problem) => `receiver ${name}: ${problem}`);
}

/**
 * What AMP's documentation says its alert manager refuses or changes, checked on a config: receivers
 * other than SNS, `api_url` and `http_config` in an SNS receiver, SigV4 without a region (and keys of
 * our own: AMP signs with its service role), FIFO topics, and a `repeat_interval` over five days (AMP
 * caps it). An empty list means AMP would take the config as it is.
 */
export function ampRestrictionViolations(config: Json): string[] {
  const problems = ((config.receivers as Json[] | undefined) ?? []).flatMap(receiverProblems);
  walkRoutes(config.route as Json, (route) => {
    const repeat = route.repeat_interval;
    if (typeof repeat === "string" && windowSeconds(repeat) > AMP_MAX_REPEAT_SECONDS) {
      problems.push(`route ${String(route.receiver)}: repeat_interval ${repeat} (AMP caps it at 5 days)`);
    }
  });
  return problems;
}

/** An Alertmanager config as the YAML file a self-run Alertmanager reads. */
export function alertmanagerYaml(config: object): string {
  return stringify(config, { lineWidth: 0 });
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
