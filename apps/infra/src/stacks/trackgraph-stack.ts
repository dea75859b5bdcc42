import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import { EncryptionKey } from "../constructs/encryption-key.js";
import { Storage } from "../constructs/storage.js";
import { Naming } from "./naming.js";
import { awsProvider } from "./provider.js";
import { configureStateBackend } from "./state-backend.js";

/** Build outputs the stack deploys, made by other workspaces before synth. */
export interface StackArtifacts {
  /** The log-parser Lambda's zip (deterministic, so an unchanged bundle gives no diff). */
  logParserZip?: string;
}

export interface TrackgraphStackProps {
  stackName: string;
  config: TrackgraphConfig;
  artifacts?: StackArtifacts;
}

/** One TrackGraph environment: storage, edge, log pipeline, backend and telemetry. */
export class TrackgraphStack extends TerraformStack {
  readonly naming: Naming;
  readonly key: EncryptionKey;
  readonly storage: Storage;

  constructor(scope: Construct, props: TrackgraphStackProps) {
    super(scope, props.stackName);
    const { config, stackName } = props;
    configureStateBackend(this, stackName, config);
    awsProvider(this, stackName, config);
    this.naming = new Naming(config, stackName);
    this.key = new EncryptionKey(this, "key", {
      alias: this.naming.name("data"),
      description: `TrackGraph ${stackName}: data at rest (buckets, tables, queues, logs)`,
    });
    this.storage = new Storage(this, "storage", {
      naming: this.naming,
      key: this.key,
      logRetentionDays: config.logPipeline.logRetentionDays,
      forceDestroy: config.forceDestroyBuckets,
    });

    new TerraformOutput(this, "site_bucket", { value: this.storage.site.name });
    new TerraformOutput(this, "logs_bucket", { value: this.storage.logs.name });
    new TerraformOutput(this, "spotify_data_bucket", { value: this.storage.spotifyData.name });
  }
}
