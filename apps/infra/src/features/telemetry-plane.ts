import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { GrafanaRoleAssociation } from "@cdktf/provider-aws/lib/grafana-role-association/index.js";
import { GrafanaWorkspace } from "@cdktf/provider-aws/lib/grafana-workspace/index.js";
import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition/index.js";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace/index.js";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace/index.js";
import { XrayGroup } from "@cdktf/provider-aws/lib/xray-group/index.js";
import { XraySamplingRule } from "@cdktf/provider-aws/lib/xray-sampling-rule/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { IGrantable } from "../blocks/grants.js";
import { limitName, type Naming } from "../blocks/naming.js";
import type { PolicyStatement } from "../blocks/policy-statements.js";
import { ServiceRole } from "../blocks/service-role.js";

export interface TelemetryPlaneProps {
  /** Names its resources (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** Encrypts what the construct stores (the stack's CMK). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** The `service.name` the backend reports; the X-Ray rule and group select it. */
  readonly backendServiceName: string;
  /** Days the AMP workspace's log group keeps events. */
  readonly logRetentionDays: number;
  /** X-Ray sampling of the backend: traces per second always kept, and the rate beyond them. */
  readonly sampling: { readonly reservoirSize: number; readonly fixedRate: number };
  /** How people sign in to Grafana: `AWS_SSO` (IAM Identity Center) or `SAML`. */
  readonly grafanaAuthentication: "AWS_SSO" | "SAML";
  /**
   * Identity Center users and groups made Grafana admins (AWS_SSO only).
   * @default nobody (then nobody can sign in until someone is associated)
   */
  readonly grafanaAdmins?: { readonly userIds: string[]; readonly groupIds: string[] } | undefined;
}

/**
 * Where telemetry lands: X-Ray (sampling rule and group for the backend), an Amazon Managed Prometheus
 * workspace with its log group, and an Amazon Managed Grafana workspace reading both and CloudWatch.
 * Rule groups and the Alertmanager definition are slots the dashboards stack fills.
 */
export class TelemetryPlane extends Construct {
  readonly workspace: PrometheusWorkspace;
  readonly grafana: GrafanaWorkspace;
  /** The role Grafana's data sources and SNS contact points act as. */
  readonly grafanaRole: ServiceRole;
  readonly remoteWriteUrl: string;
  readonly queryUrl: string;

  constructor(scope: Construct, id: string, props: TelemetryPlaneProps) {
    super(scope, id);
    const { naming, key, aws } = props;

    new XraySamplingRule(this, "sampling-rule", {
      ruleName: naming.name("backend").slice(0, 32),
      priority: 100,
      version: 1,
      reservoirSize: props.sampling.reservoirSize,
      fixedRate: props.sampling.fixedRate,
      urlPath: "*",
      host: "*",
      httpMethod: "*",
      serviceType: "*",
      serviceName: props.backendServiceName,
      resourceArn: "*",
    });
    new XrayGroup(this, "group", {
      groupName: limitName(naming.name("backend"), 32),
      filterExpression: `service("${props.backendServiceName}")`,
      insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
    });

    const ampLogs = new CloudwatchLogGroup(this, "prometheus-log-group", {
      name: `/aws/vendedlogs/prometheus/${naming.name("metrics")}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: key.keyArn,
    });
    this.workspace = new PrometheusWorkspace(this, "prometheus", {
      alias: naming.name("metrics"),
      kmsKeyArn: key.keyArn,
      loggingConfiguration: { logGroupArn: `${ampLogs.arn}:*` },
    });
    key.addToResourcePolicy({
      sid: "PrometheusEncryptsWorkspace",
      principals: [{ type: "AWS", identifiers: [`arn:${aws.partition}:iam::${aws.accountId}:root`] }],
      actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
      conditions: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`aps.${aws.region}.amazonaws.com`],
        },
      ],
    });
    this.remoteWriteUrl = `${this.workspace.prometheusEndpoint}api/v1/remote_write`;
    this.queryUrl = `${this.workspace.prometheusEndpoint}api/v1/query`;

    this.grafanaRole = new ServiceRole(this, "grafana-role", {
      name: naming.name("grafana"),
      service: "grafana.amazonaws.com",
      sourceAccount: aws.accountId,
      statements: this.grafanaStatements(),
    });
    this.grafana = new GrafanaWorkspace(this, "grafana", {
      name: naming.name("grafana"),
      accountAccessType: "CURRENT_ACCOUNT",
      authenticationProviders: [props.grafanaAuthentication],
      permissionType: "SERVICE_MANAGED",
      dataSources: ["PROMETHEUS", "CLOUDWATCH", "XRAY"],
      roleArn: this.grafanaRole.arn,
      // Grafana's own alerts go to the alerts topic through an SNS contact point (the dashboards stack).
      notificationDestinations: ["SNS"],
      grafanaVersion: "10.4",
    });
    const admins = props.grafanaAdmins ?? { userIds: [], groupIds: [] };
    if (props.grafanaAuthentication === "AWS_SSO" && admins.userIds.length + admins.groupIds.length > 0) {
      // Without an association nobody can sign in to an AWS_SSO workspace.
      new GrafanaRoleAssociation(this, "grafana-admins", {
        workspaceId: this.grafana.id,
        role: "ADMIN",
        ...(admins.userIds.length > 0 ? { userIds: admins.userIds } : {}),
        ...(admins.groupIds.length > 0 ? { groupIds: admins.groupIds } : {}),
      });
    }
  }

  /** Read-only access for Grafana's data sources: this AMP workspace, CloudWatch metrics, X-Ray traces. */
  private grafanaStatements(): PolicyStatement[] {
    return [
      {
        sid: "QueryPrometheus",
        actions: [
          "aps:QueryMetrics",
          "aps:GetSeries",
          "aps:GetLabels",
          "aps:GetMetricMetadata",
          "aps:DescribeWorkspace",
        ],
        resources: [this.workspace.arn],
      },
      {
        // aps:ListWorkspaces has no resource-level permissions: "*" is required.
        sid: "ListPrometheusWorkspaces",
        actions: ["aps:ListWorkspaces"],
        resources: ["*"],
      },
      {
        // CloudWatch metric reads have no resource-level permissions: "*" is required.
        sid: "ReadCloudWatchMetrics",
        actions: ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
        resources: ["*"],
      },
      {
        // X-Ray's read APIs have no resource-level permissions (groups aside): "*" is required.
        sid: "ReadTraces",
        actions: [
          "xray:BatchGetTraces",
          "xray:GetTraceSummaries",
          "xray:GetTraceGraph",
          "xray:GetServiceGraph",
          "xray:GetTimeSeriesServiceStatistics",
          "xray:GetInsightSummaries",
        ],
        resources: ["*"],
      },
    ];
  }

  /** Lets `grantee` remote-write to exactly this workspace: statement `<sidPrefix>RemoteWrite`. */
  grantRemoteWrite(grantee: IGrantable, sidPrefix: string): void {
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}RemoteWrite`,
      actions: ["aps:RemoteWrite"],
      resources: [this.workspace.arn],
    });
  }

  /** A slot for the dashboards/alerting stack: recording and alerting rules, as Prometheus rule YAML. */
  addRuleGroupNamespace(name: string, rulesYaml: string): PrometheusRuleGroupNamespace {
    return new PrometheusRuleGroupNamespace(this, `rules-${name}`, {
      name,
      workspaceId: this.workspace.id,
      data: rulesYaml,
    });
  }

  /** A slot for the dashboards/alerting stack: the Alertmanager definition (one per workspace). */
  setAlertManagerDefinition(definitionYaml: string): PrometheusAlertManagerDefinition {
    return new PrometheusAlertManagerDefinition(this, "alert-manager", {
      workspaceId: this.workspace.id,
      definition: definitionYaml,
    });
  }
}
