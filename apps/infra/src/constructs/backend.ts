import { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import type { Naming } from "../stacks/naming.js";
import { ContainerImage, type ImageReference } from "./container-image.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { SecureBucket } from "./secure-bucket.js";
import type { ServiceSecrets } from "./service-secrets.js";
import { WebService } from "./web-service.js";

/** The `service.name` the backend reports; X-Ray's rule and group and the dashboards select it. */
export const BACKEND_SERVICE_NAME = "trackgraph-backend";

export interface BackendProps {
  naming: Naming;
  config: TrackgraphConfig;
  key: EncryptionKey;
  secrets: ServiceSecrets;
  spotifyData: SecureBucket;
  /** The backend's image in this account's ECR. */
  image: ImageReference;
  /** The telemetry proxy's OTLP/HTTP endpoint, and the secret holding its bearer token. */
  otlpEndpoint: string;
  collectorTokenSecret: string;
  subnetIds?: string[];
}

/**
 * The TrackGraph backend container on App Runner or ECS Express: reads the Spotify data bucket, exports
 * traces to the telemetry proxy with its token, serves /metrics (behind METRICS_TOKEN) for the scraper.
 */
export class Backend extends Construct {
  readonly service: WebService;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    const { naming, config, key, secrets, spotifyData } = props;
    const settings = config.backend;
    const secretEnv = {
      METRICS_TOKEN: secrets.secret("METRICS_TOKEN", {
        description: "Bearer token of the backend's /metrics",
        generated: true,
      }),
      TRACKGRAPH_OTEL_BEARER_TOKEN: props.collectorTokenSecret,
      ...Object.fromEntries(
        Object.entries(settings.secrets).map(([name, spec]) => [name, secrets.secret(name, spec)]),
      ),
    };
    const image = new ContainerImage(this, "image", props.image);
    this.service = new WebService(this, "service", {
      platform: settings.platform,
      name: naming.name("backend"),
      image,
      size: settings.size,
      port: settings.port,
      healthCheckPath: settings.healthCheckPath,
      minInstances: settings.minInstances,
      maxInstances: settings.maxInstances,
      maxConcurrency: settings.maxConcurrency,
      environment: {
        ...settings.environment,
        DATA_SOURCE: "s3",
        SPOTIFY_DATA_BUCKET: spotifyData.name,
        OTEL_SERVICE_NAME: BACKEND_SERVICE_NAME,
        OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=${naming.stack}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: props.otlpEndpoint,
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: String(settings.traceSampleRatio),
        TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
      },
      secrets: secretEnv,
      secretStatements: secrets.readStatements("Backend", Object.values(secretEnv)),
      statements: [
        { sid: "ListSpotifyData", actions: ["s3:ListBucket"], resources: [spotifyData.arn] },
        { sid: "ReadSpotifyData", actions: ["s3:GetObject"], resources: [spotifyData.objectsArn("")] },
        {
          sid: "DecryptSpotifyData",
          actions: ["kms:Decrypt"],
          resources: [key.key.arn],
          conditions: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${key.region}.amazonaws.com`] },
          ],
        },
        {
          // X-Ray's trace APIs have no resource-level permissions: "*" is required.
          sid: "WriteTraces",
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        },
      ],
      key,
      logRetentionDays: config.observability.logRetentionDays,
      ...(props.subnetIds === undefined ? {} : { subnetIds: props.subnetIds }),
    });
  }
}
