import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { S3Client } from "@aws-sdk/client-s3";
import type { XRayClient } from "@aws-sdk/client-xray";
import type { BackendLogLine, PlaneFaults } from "@trackgraph/local-plane";
import type { AlertmanagerServer } from "@trackgraph/test-peers";
import type { AlertInbox } from "./alerting.js";

/**
 * What the three checks run against: the local plane, or a deployed stack (from its outputs). The checks
 * are the same code either way; only how a log reaches the Lambda and how Prometheus is read differ.
 */
export interface ValidationTarget {
  /** Where the target lives, for the report: "local plane" or "stack NAME". */
  label: string;
  backendUrl: string;
  xray: XRayClient;
  /** Prometheus's HTTP API (the plane's Prometheus, or AMP's query URL). */
  prometheusUrl: string;
  /** Fetch for the Prometheus API (AMP needs SigV4-signed requests). */
  prometheusFetch?: typeof fetch;
  logs: {
    s3: S3Client;
    bucket: string;
    prefix: string;
    /** Makes the Lambda process a newly written log object. In AWS, S3 notifies it by itself. */
    deliver(key: string): Promise<void>;
  };
  cloudwatch: CloudWatchClient;
  /** The backend's own account of its span exports, when the target can read it (the local plane). */
  backendSpanStats?: () => Promise<{ failed: number; dropped: number }>;
  /**
   * The backend's log lines so far, when the target can read them (the local plane captures its stdout);
   * a deployed stack's lines are in CloudWatch Logs, not read here.
   */
  backendLogs?: () => BackendLogLine[];
  /** The OTLP endpoint the backend exports to, when known. */
  backendExporter?: string;
  /** Seconds each check waits for its signal before it fails. */
  timeoutSeconds: number;
  /**
   * What the fourth check needs to break a component and read the page: only the local plane has it (a
   * deployed stack's components are not ours to break from here).
   */
  alerts?: { inbox: AlertInbox; faults: PlaneFaults; alertmanager: AlertmanagerServer };
}
