import type { AlarmTargets } from "../src/index.js";

/** A stack's alarm targets with every optional alarm on (a reservation, a heartbeat), on App Runner. */
export const TARGETS: AlarmTargets = {
  distributionId: "E2EXAMPLE",
  logParser: { functionName: "tg-log-parser", timeoutSeconds: 300, reservedConcurrency: 10 },
  deadLetterQueue: { name: "tg-log-parser-failures", retentionSeconds: 14 * 86_400 },
  idempotencyTable: "tg-log-parser-idempotency",
  backend: { platform: "app-runner", serviceName: "tg-backend", maxInstances: 4 },
  ampWorkspaceId: "ws-0123",
  edge5xxRatio: 0.05,
  logHeartbeatMinutes: 60,
};

/** The alert topics and region a stack gives the Alertmanager definition. */
export const ALERT_TOPICS = {
  pageTopicArn: "arn:aws:sns:eu-west-1:123456789012:tg-alerts-page",
  ticketTopicArn: "arn:aws:sns:eu-west-1:123456789012:tg-alerts",
  region: "eu-west-1",
};
