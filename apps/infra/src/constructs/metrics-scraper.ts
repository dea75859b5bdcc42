import { COLLECTOR_ENV, COLLECTOR_MEMORY_MIB } from "@trackgraph/collector";
import { Construct } from "constructs";
import { ContainerImage, type ImageReference } from "./container-image.js";
import { type CollectorContext, FargateCollector } from "./fargate-collector.js";

export interface MetricsScraperProps extends CollectorContext {
  /** `host:port` of the backend's metrics endpoint (HTTPS). */
  backendTarget: string;
  /** The scraper collector's image in this account's ECR. */
  image: ImageReference;
}

/**
 * The ADOT collector on ECS Fargate that scrapes the backend's /metrics (with METRICS_TOKEN) and
 * remote-writes to this stack's AMP workspace: one task, no inbound traffic, HTTPS out.
 */
export class MetricsScraper extends Construct {
  readonly collector: FargateCollector;

  constructor(scope: Construct, id: string, props: MetricsScraperProps) {
    super(scope, id);
    const { naming, config, key, plane, secrets, network } = props;
    const metricsToken = secrets.arn("METRICS_TOKEN");
    this.collector = new FargateCollector(this, "collector", {
      name: naming.name("metrics-scraper"),
      description:
        "TrackGraph metrics scraper: no inbound; HTTPS out to the backend, AMP, ECR and Secrets Manager",
      image: new ContainerImage(this, "image", props.image),
      key,
      logRetentionDays: config.observability.logRetentionDays,
      network,
      cpu: 256,
      memoryMiB: COLLECTOR_MEMORY_MIB.scraper,
      environment: {
        [COLLECTOR_ENV.region]: key.region,
        [COLLECTOR_ENV.remoteWriteUrl]: plane.remoteWriteUrl,
        [COLLECTOR_ENV.backendTarget]: props.backendTarget,
        [COLLECTOR_ENV.backendScheme]: "https",
        [COLLECTOR_ENV.scrapeInterval]: config.observability.collectors.scrapeInterval,
      },
      secrets: { [COLLECTOR_ENV.backendToken]: metricsToken },
      secretStatements: secrets.readStatements("Execution", [metricsToken]),
      statements: [plane.remoteWriteStatement("Scraper")],
      ingress: [],
      desiredCount: 1,
      singleton: true,
    });
  }
}
