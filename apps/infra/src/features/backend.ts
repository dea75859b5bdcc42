import { BACKEND_ENV } from "@trackgraph/backend-otel/env";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import { ContainerImage, type ImageReference } from "../blocks/container-image.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import { Permissions } from "../blocks/grants.js";
import type { Naming } from "../blocks/naming.js";
import type { SecureBucket } from "../blocks/secure-bucket.js";
import type { SecretSpec, ServiceSecrets } from "../blocks/service-secrets.js";
import { type Platform, type WebService, webService } from "../blocks/web-service.js";

/** The `service.name` the backend reports; X-Ray's rule and group and the dashboards select it. */
export const BACKEND_SERVICE_NAME = "trackgraph-backend";

export interface BackendProps {
  /** Names its resources (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** Encrypts what the construct stores (the stack's CMK). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** Where the backend's secrets are created (or referenced), and who grants reading them. */
  readonly secrets: ServiceSecrets;
  /** The bucket the backend reads its data from (granted List, Read and Decrypt). */
  readonly spotifyData: SecureBucket;
  /** The backend's image in this account's ECR. */
  readonly image: ImageReference;
  /** The telemetry proxy's OTLP/HTTP endpoint. */
  readonly otlpEndpoint: string;
  /** The secret holding the proxy's bearer token (the backend sends it). */
  readonly collectorTokenSecret: string;
  /**
   * Subnets of the service (ECS Express).
   * @default the default VPC's
   */
  readonly subnetIds?: string[] | undefined;
  /** App Runner or ECS Express Mode. */
  readonly platform: Platform;
  /** CPU units (1024 is one vCPU). */
  readonly cpu: number;
  /** Memory, MiB (a pair with `cpu` both platforms accept). */
  readonly memoryMiB: number;
  /** The container port. */
  readonly port: number;
  /** The health-check path. */
  readonly healthCheckPath: string;
  /** Fewest instances. */
  readonly minInstances: number;
  /** Most instances. */
  readonly maxInstances: number;
  /** Concurrent requests per instance before scaling out. */
  readonly maxConcurrency: number;
  /** Plain environment variables besides those the construct sets. */
  readonly environment: Record<string, string>;
  /** Further secrets by environment variable: created empty, or an existing secret by ARN. */
  readonly extraSecrets: Record<string, SecretSpec>;
  /** The head sampling ratio of the backend's traces. */
  readonly traceSampleRatio: number;
  /** Days the container's log group keeps events (ECS Express). */
  readonly logRetentionDays: number;
}

/**
 * The TrackGraph backend container on App Runner or ECS Express: reads the Spotify data bucket, exports
 * traces to the telemetry proxy with its token, serves /metrics (behind METRICS_TOKEN) for the scraper.
 */
export class Backend extends Construct {
  readonly service: WebService;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    const { naming, key, aws, secrets, spotifyData } = props;
    const settings = props;
    const secretEnv = {
      [BACKEND_ENV.metricsToken]: secrets.secret(BACKEND_ENV.metricsToken, {
        description: "Bearer token of the backend's /metrics",
        generated: true,
      }),
      TRACKGRAPH_OTEL_BEARER_TOKEN: props.collectorTokenSecret,
      ...Object.fromEntries(
        Object.entries(settings.extraSecrets).map(([name, spec]) => [name, secrets.secret(name, spec)]),
      ),
    };
    const image = new ContainerImage(this, "image", props.image);
    const permissions = new Permissions();
    spotifyData.grantRead(permissions, "SpotifyData");
    permissions.addToPrincipalPolicy({
      // X-Ray's trace APIs have no resource-level permissions: "*" is required.
      sid: "WriteTraces",
      actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      resources: ["*"],
    });
    this.service = webService(this, "service", {
      platform: settings.platform,
      name: naming.name("backend"),
      image,
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      port: settings.port,
      healthCheckPath: settings.healthCheckPath,
      minInstances: settings.minInstances,
      maxInstances: settings.maxInstances,
      maxConcurrency: settings.maxConcurrency,
      environment: {
        ...settings.environment,
        [BACKEND_ENV.dataSource]: "s3",
        [BACKEND_ENV.dataBucket]: spotifyData.bucketName,
        OTEL_SERVICE_NAME: BACKEND_SERVICE_NAME,
        OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=${naming.stack}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: props.otlpEndpoint,
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: String(settings.traceSampleRatio),
        TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
      },
      secrets: secretEnv,
      secretStore: secrets,
      secretGrantSid: "Backend",
      statements: permissions.statements,
      key,
      aws,
      logRetentionDays: props.logRetentionDays,
      ...(props.subnetIds === undefined ? {} : { subnetIds: props.subnetIds }),
    });
  }
}
