import type { AwsScope } from "../blocks/aws-scope.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { Naming } from "../blocks/naming.js";
import type { NetworkPlacement } from "../blocks/network.js";
import type { ServiceSecrets } from "../blocks/service-secrets.js";
import type { TelemetryPlane } from "./telemetry-plane.js";

/** What each collector construct (the telemetry proxy, the metrics scraper) is built from. */
export interface CollectorContext {
  /** Names its resources (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** Encrypts what the construct stores (the stack's CMK). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** Where the collector remote-writes (it is granted exactly this workspace). */
  readonly plane: TelemetryPlane;
  /** The secrets store the collector's token is in (its execution role is granted reading it). */
  readonly secrets: ServiceSecrets;
  /** The VPC and subnets of the tasks. */
  readonly network: NetworkPlacement;
  /** Days the collector's log group keeps events. */
  readonly logRetentionDays: number;
  /** Prometheus scrape interval of the collector (`30s`). */
  readonly scrapeInterval: string;
}
