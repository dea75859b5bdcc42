import { stringify } from "yaml";

export interface AlertmanagerOptions {
  /** The SNS topic every alert goes to. */
  topicArn: string;
  region: string;
}

/**
 * The AMP Alertmanager definition: every alert to one SNS topic (signed with SigV4 by AMP itself), grouped
 * by alert name, pages repeated every 4 hours while they fire.
 */
export function alertmanagerDefinition(options: AlertmanagerOptions): string {
  const config = {
    route: {
      receiver: "sns",
      group_by: ["alertname", "job"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
    },
    receivers: [
      {
        name: "sns",
        sns_configs: [
          {
            topic_arn: options.topicArn,
            sigv4: { region: options.region },
            subject: "[TrackGraph] {{ .CommonLabels.alertname }}",
            attributes: { severity: "{{ .CommonLabels.severity }}" },
          },
        ],
      },
    ],
  };
  return stringify({ alertmanager_config: stringify(config, { lineWidth: 0 }) }, { lineWidth: 0 });
}
