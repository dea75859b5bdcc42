import type { GrafanaRuleGroupArgs } from "@trackgraph/dashboards";
import { type ITerraformDependable, TerraformProvider, TerraformResource } from "cdktf";
import type { Construct } from "constructs";

/**
 * The Grafana Terraform provider, through cdktf's generic provider and resource constructs: no prebuilt
 * cdktf binding exists (and cdktf is frozen), so the few resources we use are typed here, with the
 * provider's own (snake_case) attribute names.
 */
export const GRAFANA_PROVIDER = {
  providerName: "grafana",
  source: "grafana/grafana",
  // 4.10 added what we use last (contact point SNS settings, folder uids); 5.x may change schemas.
  versionConstraint: "~> 4.10",
} as const;

export interface GrafanaProviderConfig {
  /** The workspace URL, `https://<id>.grafana-workspace.<region>.amazonaws.com`. */
  url: string;
  /**
   * A service-account token of the workspace; absent: the provider reads GRAFANA_AUTH when it runs (what
   * the deploy sets to a short-lived token), so no token is ever written into the configuration.
   */
  auth?: string;
}

export class GrafanaProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: GrafanaProviderConfig,
  ) {
    super(scope, id, {
      terraformResourceType: "grafana",
      terraformGeneratorMetadata: {
        providerName: GRAFANA_PROVIDER.providerName,
        providerVersionConstraint: GRAFANA_PROVIDER.versionConstraint,
      },
      terraformProviderSource: GRAFANA_PROVIDER.source,
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { url: this.config.url, ...(this.config.auth === undefined ? {} : { auth: this.config.auth }) };
  }
}

/** `grafana_folder`. */
export interface FolderAttributes {
  title: string;
  uid: string;
}

/** `grafana_data_source`: `json_data_encoded` is the data source's jsonData as a JSON string. */
export interface DataSourceAttributes {
  type: string;
  name: string;
  uid: string;
  url?: string;
  is_default?: boolean;
  json_data_encoded: string;
}

/** `grafana_dashboard`: the dashboard JSON, in a folder (by uid). */
export interface DashboardAttributes {
  config_json: string;
  folder: string;
  overwrite: boolean;
  message?: string;
}

/** `grafana_contact_point` with one Amazon SNS integration. */
export interface ContactPointAttributes {
  name: string;
  sns: Array<{
    topic: string;
    /** `default`: the workspace's own IAM role publishes. */
    auth_provider: "default" | "arn";
    subject?: string;
  }>;
}

/** `grafana_notification_policy`: the organization's root route. */
export interface NotificationPolicyAttributes {
  contact_point: string;
  group_by: string[];
}

interface GrafanaTypes {
  /** `grafana_rule_group`: Grafana-managed alert rules, typed where they are built (@trackgraph/dashboards). */
  grafana_rule_group: GrafanaRuleGroupArgs;
  grafana_folder: FolderAttributes;
  grafana_data_source: DataSourceAttributes;
  grafana_dashboard: DashboardAttributes;
  grafana_contact_point: ContactPointAttributes;
  grafana_notification_policy: NotificationPolicyAttributes;
}

/** One resource of the Grafana provider, its attributes typed by {@link GrafanaTypes}. */
export class GrafanaResource<T extends keyof GrafanaTypes> extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    type: T,
    private readonly attributes: GrafanaTypes[T],
    provider: GrafanaProvider,
    dependsOn: ITerraformDependable[] = [],
  ) {
    super(scope, id, {
      terraformResourceType: type,
      terraformGeneratorMetadata: {
        providerName: GRAFANA_PROVIDER.providerName,
        providerVersionConstraint: GRAFANA_PROVIDER.versionConstraint,
      },
      provider,
      ...(dependsOn.length === 0 ? {} : { dependsOn }),
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }
}
