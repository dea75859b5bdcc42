import {
  BACKEND_ERROR_LINE_PATTERN,
  BACKEND_ERROR_LINES_METRIC,
  BACKEND_LOG_NAMESPACE,
} from "@trackgraph/dashboards";
import { Aspects, type TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct, Node } from "constructs";
import { withoutAddressGroups } from "../blocks/address-group.js";
import { AwsScope } from "../blocks/aws-scope.js";
import type { ImageReference } from "../blocks/container-image.js";
import { EncryptionKey } from "../blocks/encryption-key.js";
import { boundaryPolicyName, Naming } from "../blocks/naming.js";
import { networkPlacement } from "../blocks/network.js";
import { ServiceSecrets } from "../blocks/service-secrets.js";
import { serviceSize, type TrackgraphConfig } from "../config/schema.js";
import { Alerting, defaultBackendTarget } from "../features/alerting.js";
import { BACKEND_SERVICE_NAME, Backend } from "../features/backend.js";
import { BackendLogs } from "../features/backend-logs.js";
import type { CollectorContext } from "../features/collector-context.js";
import { Edge } from "../features/edge.js";
import { GrafanaServiceAccount } from "../features/grafana-service-account.js";
import { LogPipeline } from "../features/log-pipeline.js";
import { LogQueries } from "../features/log-queries.js";
import { MetricsScraper } from "../features/metrics-scraper.js";
import { Storage } from "../features/storage.js";
import { TelemetryPlane } from "../features/telemetry-plane.js";
import { TelemetryProxy } from "../features/telemetry-proxy.js";
import { ApplyOrder } from "./apply-order.js";
import { type ImageRole, resolveImages } from "./images.js";
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
  /** The stack's name: its config file's name. */
  readonly stackName: string;
  /** The validated config: only the stack reads it, and hands each construct flat props. */
  readonly config: TrackgraphConfig;
  /** The Lambda zip and image tags the build made. */
  readonly artifacts: StackArtifacts;
}

/** One TrackGraph environment: storage, edge, log pipeline, backend and telemetry. */
export class TrackgraphStack extends TerraformStack {
  readonly naming: Naming;
  /** The account, partition and region, for every ARN the stack builds. */
  readonly aws: AwsScope;
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
  /** SQL over the raw CloudFront logs (Athena); absent with `logQueries.enabled: false`. */
  readonly logQueries?: LogQueries | undefined;
  /** The backend's error-line metric and Grafana's access to its log group. */
  readonly backendLogs: BackendLogs;
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
    // Its data sources were first made inside the key: they keep those addresses.
    this.aws = new AwsScope(this, "aws-scope", { addressPrefix: "key" });
    this.key = new EncryptionKey(this, "key", {
      aws: this.aws,
      alias: this.naming.name("data"),
      description: `TrackGraph ${stackName}: data at rest (buckets, tables, queues, logs)`,
    });
    Aspects.of(this).add(
      new PermissionsBoundary(this.aws.arn("iam", `policy/${boundaryPolicyName(config.project)}`, "")),
    );
    this.storage = new Storage(this, "storage", {
      naming: this.naming,
      key: this.key,
      logRetentionDays: config.logPipeline.logRetentionDays,
      disposable: config.disposable,
    });

    this.edge = new Edge(this, "edge", {
      naming: this.naming,
      priceClass: config.site.priceClass,
      spaFallback: config.site.spaFallback,
      webAclArn: config.site.webAclArn,
      domain: config.domain,
      logPrefix: config.logPipeline.prefix,
      site: this.storage.site,
      logs: this.storage.logs,
      key: this.key,
      aws: this.aws,
      usEast1,
    });
    this.logPipeline = new LogPipeline(this, "log-pipeline", {
      naming: this.naming,
      ...config.logPipeline,
      disposable: config.disposable,
      logs: this.storage.logs,
      key: this.key,
      aws: this.aws,
      zipPath: props.artifacts.logParserZip,
    });

    this.secrets = new ServiceSecrets(this, "secrets", {
      naming: this.naming,
      key: this.key,
      disposable: config.disposable,
    });
    const secrets = this.secrets;
    const observability = config.observability;
    this.telemetry = new TelemetryPlane(this, "telemetry", {
      naming: this.naming,
      logRetentionDays: observability.logRetentionDays,
      sampling: observability.xray,
      grafanaAuthentication: observability.grafana.authentication,
      grafanaAdmins: observability.grafana.admins,
      key: this.key,
      aws: this.aws,
      backendServiceName: BACKEND_SERVICE_NAME,
    });
    const network = networkPlacement(this, config.network);
    const collectors: CollectorContext = {
      naming: this.naming,
      logRetentionDays: observability.logRetentionDays,
      scrapeInterval: observability.collectors.scrapeInterval,
      key: this.key,
      aws: this.aws,
      plane: this.telemetry,
      secrets,
      network,
    };
    this.images = resolveImages(config, props.artifacts.imageTags);
    const images = this.images;
    this.proxy = new TelemetryProxy(this, "telemetry-proxy", {
      ...collectors,
      image: images.proxy,
      platform: config.backend.platform,
      disposable: config.disposable,
    });
    const { size, secrets: extraSecrets, ...backend } = config.backend;
    this.backend = new Backend(this, "backend-service", {
      naming: this.naming,
      ...backend,
      ...serviceSize(size),
      extraSecrets,
      logRetentionDays: observability.logRetentionDays,
      key: this.key,
      aws: this.aws,
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
      metricsTokenSecretArn: secrets.arn("METRICS_TOKEN"),
    });

    this.grafanaAccess = new GrafanaServiceAccount(this, "grafana-access", {
      naming: this.naming,
      plane: this.telemetry,
    });
    const alerts = config.observability.alerts;
    this.alerting = new Alerting(this, "alerting", {
      naming: this.naming,
      region: config.region,
      logFunctionTimeoutSeconds: config.logPipeline.timeoutSeconds,
      logFunctionReservedConcurrency: config.logPipeline.reservedConcurrency,
      email: alerts.email,
      edge5xxRatio: alerts.edge5xxRatio,
      logHeartbeatMinutes: alerts.logHeartbeatMinutes,
      github: config.github,
      backend: defaultBackendTarget(this.naming, config.backend),
      key: this.key,
      aws: this.aws,
      plane: this.telemetry,
      logPipeline: this.logPipeline,
      distributionId: this.edge.distribution.id,
      usEast1,
    });

    this.logQueries = this.queryableLogs(config);
    this.backendLogs = new BackendLogs(this, "backend-logs", {
      name: this.naming.name("backend-error-lines"),
      logGroupName: this.backend.service.applicationLogGroupName,
      errorLinePattern: BACKEND_ERROR_LINE_PATTERN,
      metricNamespace: BACKEND_LOG_NAMESPACE,
      metricName: BACKEND_ERROR_LINES_METRIC,
      aws: this.aws,
    });
    this.backendLogs.grantQueryLogs(this.telemetry.grafanaRole, "Backend");

    this.outputs(config);
  }

  /** The raw logs as an Athena table, a workgroup and named queries, queried by Grafana's role. */
  private queryableLogs(config: TrackgraphConfig): LogQueries | undefined {
    if (!config.logQueries.enabled) return undefined;
    const queries = new LogQueries(this, "log-queries", {
      naming: this.naming,
      logs: this.storage.logs,
      logsPrefix: config.logPipeline.prefix,
      distributionIds: [this.edge.distribution.id],
      key: this.key,
      aws: this.aws,
      bytesScannedCutoffPerQuery: config.logQueries.bytesScannedCutoffPerQuery,
      resultsExpiryDays: config.logQueries.resultsExpiryDays,
      disposable: config.disposable,
    });
    queries.grantQuery(this.telemetry.grafanaRole, "Athena");
    return queries;
  }
  /** What the deploy, the dashboards stack and people read from the stack. */
  private outputs(config: TrackgraphConfig): void {
    const siteHost = config.domain?.name ?? this.edge.distribution.domainName;
    new TerraformOutput(this, "site_url", { value: `https://${siteHost}`, description: "The static site" });
    new TerraformOutput(this, "distribution_id", { value: this.edge.distribution.id });
    new TerraformOutput(this, "site_bucket", { value: this.storage.site.bucketName });
    new TerraformOutput(this, "logs_bucket", { value: this.storage.logs.bucketName });
    new TerraformOutput(this, "spotify_data_bucket", { value: this.storage.spotifyData.bucketName });
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

  /** Resources in an address group keep the address they would have without it. */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    return super.allocateLogicalId(withoutAddressGroups(element));
  }
}
