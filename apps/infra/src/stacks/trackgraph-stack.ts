import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import { Alerting } from "../constructs/alerting.js";
import { BACKEND_SERVICE_NAME, Backend } from "../constructs/backend.js";
import type { ImageReference } from "../constructs/container-image.js";
import { Edge } from "../constructs/edge.js";
import { EncryptionKey } from "../constructs/encryption-key.js";
import type { CollectorContext } from "../constructs/fargate-collector.js";
import { GrafanaServiceAccount } from "../constructs/grafana-service-account.js";
import { LogPipeline } from "../constructs/log-pipeline.js";
import { MetricsScraper } from "../constructs/metrics-scraper.js";
import { networkPlacement } from "../constructs/network.js";
import { ServiceSecrets } from "../constructs/service-secrets.js";
import { Storage } from "../constructs/storage.js";
import { TelemetryPlane } from "../constructs/telemetry-plane.js";
import { TelemetryProxy } from "../constructs/telemetry-proxy.js";
import { ApplyOrder } from "./apply-order.js";
import { type ImageRole, resolveImages } from "./images.js";
import { boundaryPolicyName, Naming } from "./naming.js";
import { PermissionsBoundary } from "./permissions-boundary.js";
import { awsProvider } from "./provider.js";
import { configureStateBackend } from "./state-backend.js";

/** Build outputs the stack deploys, made by other workspaces before synth. */
export interface StackArtifacts {
  /** The log-parser Lambda's zip (deterministic, so an unchanged bundle gives no diff). */
  logParserZip: string;
  /** The tag of each image's build context ({@link contextTag}), used where the config pins none. */
  imageTags: Record<ImageRole, string>;
}

export interface TrackgraphStackProps {
  stackName: string;
  config: TrackgraphConfig;
  artifacts: StackArtifacts;
}

/** One TrackGraph environment: storage, edge, log pipeline, backend and telemetry. */
export class TrackgraphStack extends TerraformStack {
  readonly naming: Naming;
  readonly key: EncryptionKey;
  readonly storage: Storage;
  readonly edge: Edge;
  readonly logPipeline: LogPipeline;
  readonly telemetry: TelemetryPlane;
  readonly proxy: TelemetryProxy;
  readonly backend: Backend;
  readonly scraper: MetricsScraper;
  readonly alerting: Alerting;
  readonly grafanaAccess: GrafanaServiceAccount;
  readonly secrets: ServiceSecrets;
  /** What each image of the stack is (repository, tag or digest). */
  readonly images: Record<ImageRole, ImageReference>;

  constructor(scope: Construct, props: TrackgraphStackProps) {
    super(scope, props.stackName);
    const { config, stackName } = props;
    configureStateBackend(this, stackName, config);
    Aspects.of(this).add(new ApplyOrder());
    awsProvider(this, stackName, config);
    // CloudFront's log delivery source, like all of CloudFront's control plane, lives in us-east-1.
    const usEast1 = awsProvider(this, stackName, config, {
      id: "aws-us-east-1",
      alias: "us_east_1",
      region: "us-east-1",
    });
    this.naming = new Naming(config, stackName);
    this.key = new EncryptionKey(this, "key", {
      alias: this.naming.name("data"),
      description: `TrackGraph ${stackName}: data at rest (buckets, tables, queues, logs)`,
    });
    Aspects.of(this).add(
      new PermissionsBoundary(
        `arn:${this.key.partition}:iam::${this.key.accountId}:policy/${boundaryPolicyName(config.project)}`,
      ),
    );
    this.storage = new Storage(this, "storage", {
      naming: this.naming,
      key: this.key,
      logRetentionDays: config.logPipeline.logRetentionDays,
      forceDestroy: config.forceDestroyBuckets,
    });

    this.edge = new Edge(this, "edge", {
      naming: this.naming,
      config,
      site: this.storage.site,
      logs: this.storage.logs,
      key: this.key,
      usEast1,
    });
    this.logPipeline = new LogPipeline(this, "log-pipeline", {
      naming: this.naming,
      config,
      logs: this.storage.logs,
      key: this.key,
      zipPath: props.artifacts.logParserZip,
    });

    this.secrets = new ServiceSecrets(this, "secrets", {
      naming: this.naming,
      key: this.key,
      forceDestroy: config.forceDestroyBuckets,
    });
    const secrets = this.secrets;
    this.telemetry = new TelemetryPlane(this, "telemetry", {
      naming: this.naming,
      config,
      key: this.key,
      backendServiceName: BACKEND_SERVICE_NAME,
    });
    const network = networkPlacement(this, config);
    const collectors: CollectorContext = {
      naming: this.naming,
      config,
      key: this.key,
      plane: this.telemetry,
      secrets,
      network,
    };
    this.images = resolveImages(config, props.artifacts.imageTags);
    const images = this.images;
    this.proxy = new TelemetryProxy(this, "telemetry-proxy", { ...collectors, image: images.proxy });
    this.backend = new Backend(this, "backend-service", {
      naming: this.naming,
      config,
      key: this.key,
      secrets,
      spotifyData: this.storage.spotifyData,
      image: images.backend,
      otlpEndpoint: this.proxy.url,
      collectorTokenSecret: this.proxy.tokenSecret,
      subnetIds: network.subnetIds,
    });
    this.scraper = new MetricsScraper(this, "metrics-scraper", {
      ...collectors,
      image: images.scraper,
      backendTarget: `${this.backend.service.host}:443`,
    });

    this.grafanaAccess = new GrafanaServiceAccount(this, "grafana-access", {
      naming: this.naming,
      plane: this.telemetry,
    });
    this.alerting = new Alerting(this, "alerting", {
      naming: this.naming,
      config,
      key: this.key,
      plane: this.telemetry,
      logPipeline: this.logPipeline,
      distributionId: this.edge.distribution.id,
      usEast1,
    });

    const siteHost = config.domain?.name ?? this.edge.distribution.domainName;
    new TerraformOutput(this, "site_url", { value: `https://${siteHost}`, description: "The static site" });
    new TerraformOutput(this, "distribution_id", { value: this.edge.distribution.id });
    new TerraformOutput(this, "site_bucket", { value: this.storage.site.name });
    new TerraformOutput(this, "logs_bucket", { value: this.storage.logs.name });
    new TerraformOutput(this, "spotify_data_bucket", { value: this.storage.spotifyData.name });
    new TerraformOutput(this, "log_parser_function", { value: this.logPipeline.function.functionName });
    new TerraformOutput(this, "log_parser_dead_letter_queue", {
      value: this.logPipeline.deadLetterQueue.url,
    });
    new TerraformOutput(this, "backend_url", { value: this.backend.service.url });
    new TerraformOutput(this, "collector_endpoint", {
      value: this.proxy.url,
      description:
        "OTLP/HTTP; clients send the token in the collector-token secret (on ecs-express: an internal load balancer, reachable inside the VPC)",
    });
    new TerraformOutput(this, "amp_remote_write_url", { value: this.telemetry.remoteWriteUrl });
    new TerraformOutput(this, "amp_query_url", { value: this.telemetry.queryUrl });
    new TerraformOutput(this, "grafana_url", { value: `https://${this.telemetry.grafana.endpoint}` });
    new TerraformOutput(this, "alerts_topic_arn", { value: this.alerting.topic.arn });
    new TerraformOutput(this, "alerts_page_topic_arn", { value: this.alerting.topics.page.arn });
    // What the deploy mints the dashboards stack's short-lived Grafana token for.
    new TerraformOutput(this, "grafana_workspace_id", { value: this.grafanaAccess.workspaceId });
    new TerraformOutput(this, "grafana_service_account_id", { value: this.grafanaAccess.serviceAccountId });
  }
}
