import { COLLECTOR_ENV, COLLECTOR_MEMORY_MIB } from "@trackgraph/collector";
import { Construct } from "constructs";
import { ContainerImage, type ImageReference } from "../blocks/container-image.js";
import { FargateCollector } from "../blocks/fargate-collector.js";
import { Permissions } from "../blocks/grants.js";
import type { CollectorContext } from "./collector-context.js";

export interface MetricsScraperProps extends CollectorContext {
  /** `host:port` of the backend's metrics endpoint (HTTPS). */
  readonly backendTarget: string;
  /** The secret holding the backend's METRICS_TOKEN (the scraper sends it). */
  readonly metricsTokenSecretArn: string;
  /** The scraper collector's image in this account's ECR. */
  readonly image: ImageReference;
}

/**
 * Our collector build (apps/collector) on ECS Fargate that scrapes the backend's /metrics (with METRICS_TOKEN) and
 * remote-writes to this stack's AMP workspace: one task, no inbound traffic, HTTPS out.
 */
export class MetricsScraper extends Construct {
  readonly collector: FargateCollector;

  constructor(scope: Construct, id: string, props: MetricsScraperProps) {
    super(scope, id);
    const { naming, key, aws, plane, secrets, network } = props;
    const metricsToken = props.metricsTokenSecretArn;
    const permissions = new Permissions();
    plane.grantRemoteWrite(permissions, "Scraper");
    this.collector = new FargateCollector(this, "collector", {
      name: naming.name("metrics-scraper"),
      description:
        "TrackGraph metrics scraper: no inbound; HTTPS out to the backend, AMP, ECR and Secrets Manager",
      image: new ContainerImage(this, "image", props.image),
      key,
      aws,
      logRetentionDays: props.logRetentionDays,
      network,
      cpu: 256,
      memoryMiB: COLLECTOR_MEMORY_MIB.scraper,
      environment: {
        [COLLECTOR_ENV.region]: aws.region,
        [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
        [COLLECTOR_ENV.backendTarget]: props.backendTarget,
        [COLLECTOR_ENV.backendScheme]: "https",
        [COLLECTOR_ENV.scrapeInterval]: props.scrapeInterval,
      },
      secrets: { [COLLECTOR_ENV.backendToken]: metricsToken },
      secretStore: secrets,
      statements: permissions.statements,
      ingress: [],
      desiredCount: 1,
      singleton: true,
    });
  }
}
