import {
  allDashboards,
  athenaJsonData,
  BACKEND_LOG_GROUP_VARIABLE,
  DATASOURCES,
  grafanaDatasourceAlerts,
} from "@trackgraph/dashboards";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { TrackgraphConfig } from "../config/schema.js";
import { withTextVariable } from "../grafana/dashboard-variables.js";
import { GrafanaProvider, GrafanaResource } from "../grafana/provider.js";
import { configureStateBackend } from "./state-backend.js";
import type { TrackgraphStack } from "./trackgraph-stack.js";

export interface DashboardsStackProps {
  /** `<environment stack>-dashboards`. */
  readonly stackName: string;
  /** The environment's validated config (a stack reads the config; constructs get flat props). */
  readonly config: TrackgraphConfig;
  /** The environment stack whose Grafana workspace, AMP workspace and alert topic this stack fills. */
  readonly observability: TrackgraphStack;
}

const FOLDER_UID = "trackgraph";

/**
 * What goes inside the Managed Grafana workspace: its data sources (by the uids the dashboards use), a
 * folder with every dashboard of @trackgraph/dashboards, and an SNS contact point as the root route.
 *
 * A stack of its own because the Grafana provider needs the workspace's URL at plan time: it and every
 * other value come from the environment stack through cdktf's cross-stack references (outputs read with
 * `terraform_remote_state`), so that stack is applied first and this one plans against what exists. The
 * provider's token is not configuration: `pnpm run deploy` mints one for an hour and passes it as
 * GRAFANA_AUTH, so it is in no state file.
 */
export class DashboardsStack extends TerraformStack {
  constructor(scope: Construct, props: DashboardsStackProps) {
    super(scope, props.stackName);
    const { config, stackName, observability } = props;
    configureStateBackend(this, stackName, config);
    const grafana = observability.telemetry.grafana;

    const provider = new GrafanaProvider(this, "grafana", { url: `https://${grafana.endpoint}` });
    const region = config.region;

    // In Managed Grafana, "Workspace IAM role" authentication is `ec2` in a data source's JSON.
    const dataSources = [
      new GrafanaResource(
        this,
        "prometheus",
        "grafana_data_source",
        {
          type: DATASOURCES.prometheus.type,
          uid: DATASOURCES.prometheus.uid,
          name: "Amazon Managed Prometheus",
          url: observability.telemetry.workspace.prometheusEndpoint,
          is_default: true,
          json_data_encoded: JSON.stringify({
            httpMethod: "POST",
            sigV4Auth: true,
            sigV4AuthType: "ec2",
            sigV4Region: region,
          }),
        },
        provider,
      ),
      new GrafanaResource(
        this,
        "cloudwatch",
        "grafana_data_source",
        {
          type: DATASOURCES.cloudwatch.type,
          uid: DATASOURCES.cloudwatch.uid,
          name: "Amazon CloudWatch",
          json_data_encoded: JSON.stringify({ authType: "ec2", defaultRegion: region }),
        },
        provider,
      ),
      new GrafanaResource(
        this,
        "xray",
        "grafana_data_source",
        {
          type: DATASOURCES.xray.type,
          uid: DATASOURCES.xray.uid,
          name: "AWS X-Ray",
          json_data_encoded: JSON.stringify({ authType: "ec2", defaultRegion: region }),
        },
        provider,
      ),
    ];
    const logQueries = observability.logQueries;
    if (logQueries !== undefined) {
      // The edge dashboard's raw-log panel queries through it: the workgroup's enforced settings hold the
      // results location and the bytes-scanned cutoff.
      dataSources.push(
        new GrafanaResource(
          this,
          "athena",
          "grafana_data_source",
          {
            type: DATASOURCES.athena.type,
            uid: DATASOURCES.athena.uid,
            name: "Amazon Athena",
            json_data_encoded: JSON.stringify(
              athenaJsonData({
                region,
                database: logQueries.table.databaseName,
                workgroup: logQueries.workgroup.workgroupName,
              }),
            ),
          },
          provider,
        ),
      );
    }

    const folder = new GrafanaResource(
      this,
      "folder",
      "grafana_folder",
      { title: "TrackGraph", uid: FOLDER_UID },
      provider,
    );
    const dashboards = allDashboards({
      region,
      distributionId: observability.edge.distribution.id,
      logParserFunction: observability.logPipeline.function.functionName,
      deadLetterQueue: observability.logPipeline.deadLetterQueue.name,
      environment: observability.naming.stack,
    });
    // The backend's log panels read the group its stdout really goes to, which only the stack knows.
    const backend = dashboards["backend.json"];
    if (backend !== undefined)
      dashboards["backend.json"] = withTextVariable(
        backend,
        BACKEND_LOG_GROUP_VARIABLE,
        observability.backendLogs.logGroupName,
      );
    for (const [file, dashboard] of Object.entries(dashboards)) {
      new GrafanaResource(
        this,
        `dashboard-${file.replace(/\.json$/, "")}`,
        "grafana_dashboard",
        {
          config_json: JSON.stringify(dashboard),
          folder: folder.getStringAttribute("uid"),
          overwrite: true,
          message: "Provisioned by the TrackGraph dashboards stack",
        },
        provider,
        // A dashboard's panels name their data sources by uid, which must exist first.
        dataSources,
      );
    }

    const contactPoint = new GrafanaResource(
      this,
      "contact-point",
      "grafana_contact_point",
      {
        name: "TrackGraph alerts (SNS)",
        sns: [
          {
            topic: observability.alerting.topic.arn,
            auth_provider: "default",
            subject: "[TrackGraph] Grafana alert",
          },
        ],
      },
      provider,
    );
    new GrafanaResource(
      this,
      "notification-policy",
      "grafana_notification_policy",
      { contact_point: contactPoint.getStringAttribute("name"), group_by: ["alertname", "grafana_folder"] },
      provider,
    );
    // Alerts on the data sources themselves: a dashboard that cannot query says nothing on its own.
    new GrafanaResource(
      this,
      "datasource-alerts",
      "grafana_rule_group",
      grafanaDatasourceAlerts({
        folderUid: folder.getStringAttribute("uid"),
        region,
        logParserFunction: observability.logPipeline.function.functionName,
        runbookBaseUrl: observability.alerting.runbookBaseUrl,
      }),
      provider,
      dataSources,
    );
  }
}
