import * as athena from "@grafana/grafana-foundation-sdk/athena";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as table from "@grafana/grafana-foundation-sdk/table";
import { namedQuery, renderQuery } from "@trackgraph/cloudfront-logs";
import { EDGE_DIMENSION, EDGE_NAMESPACE, type EdgeMetric } from "./cloudwatch-names.js";
import type { DashboardContext } from "./context.js";
import { numbered, trackgraphDashboard } from "./dashboard-base.js";
import { DATASOURCES } from "./datasources.js";
import { type CloudWatchMetric, cloudWatchPanel } from "./panels.js";
import { textVariable } from "./variables.js";

/** One TrackGraph/CloudFront metric of the dashboard's distribution. */
export function edgeMetric(metricName: EdgeMetric, statistic = "Sum", extra: Partial<CloudWatchMetric> = {}) {
  return {
    namespace: EDGE_NAMESPACE,
    metricName,
    statistic,
    dimensions: { [EDGE_DIMENSION]: "$distribution" },
    ...extra,
  } satisfies CloudWatchMetric;
}

/** Where the Athena data source finds the CloudFront log table, and as whom it queries. */
export interface AthenaLogSettings {
  /** Region of the Glue database and the Athena workgroup. */
  region: string;
  /** Glue database holding the `cloudfront_logs` table. */
  database: string;
  /** Athena workgroup (its enforced settings hold the results location and the bytes-scanned cutoff). */
  workgroup: string;
  /** Data catalog; Glue's is `AwsDataCatalog`. */
  catalog?: string;
}

/**
 * The Athena data source's provisioning `jsonData` (plugin `grafana-athena-datasource`): Grafana's
 * workspace role (`authType: "ec2"`, as the CloudWatch and X-Ray data sources), and the catalog, database
 * and workgroup queries run in. Provision it with uid `DATASOURCES.athena.uid`.
 */
export function athenaJsonData(settings: AthenaLogSettings) {
  return {
    authType: "ec2",
    defaultRegion: settings.region,
    catalog: settings.catalog ?? "AwsDataCatalog",
    database: settings.database,
    workgroup: settings.workgroup,
  };
}

/** The SQL of the "Top failing paths" panel: the `top-5xx-uris` named query over the dashboard's range. */
export function topFailingPathsSql(): string {
  return renderQuery(namedQuery("top-5xx-uris"), "grafana");
}

/** A table of the URIs that answered the most 5xx, read from the raw logs through Athena. */
function topFailingPathsPanel() {
  return new table.PanelBuilder()
    .title("Top failing paths (raw logs, Athena)")
    .description(
      "The top-5xx-uris named query over the dashboard's time range, read from the CloudFront logs in S3. " +
        "Logs arrive minutes after the requests; each refresh is an Athena query (billed by bytes scanned).",
    )
    .datasource(DATASOURCES.athena)
    .height(8)
    .span(24)
    .withTarget(
      new athena.DataqueryBuilder()
        .refId("A")
        .datasource(DATASOURCES.athena)
        .format(athena.FormatOptions.Table)
        // The data source's own region, catalog and database (its provisioned jsonData).
        .connectionArgs(
          new athena.ConnectionArgsBuilder()
            .region(athena.defaultKey)
            .catalog(athena.defaultKey)
            .database(athena.defaultKey),
        )
        .rawSQL(topFailingPathsSql()),
    );
}

/** The edge: CloudFront traffic as the log parser publishes it (TrackGraph/CloudFront). */
export function edgeDashboard(context: DashboardContext): dashboard.Dashboard {
  return numbered(
    trackgraphDashboard(`TrackGraph edge (${context.environment})`, "trackgraph-edge", "edge", {
      refresh: "5m",
      from: "now-24h",
    })
      .withVariable(textVariable("region", "Region", context.region))
      .withVariable(textVariable("distribution", "Distribution", context.distributionId))
      .withPanel(cloudWatchPanel("Requests", "short", [edgeMetric("Requests", "Sum", { label: "requests" })]))
      .withPanel(
        cloudWatchPanel("Bytes", "bytes", [
          edgeMetric("BytesDownloaded", "Sum", { label: "to viewers" }),
          edgeMetric("BytesUploaded", "Sum", { label: "from viewers" }),
        ]),
      )
      .withPanel(
        cloudWatchPanel("Status classes", "short", [
          edgeMetric("Requests2xx", "Sum", { label: "2xx" }),
          edgeMetric("Requests3xx", "Sum", { label: "3xx" }),
          edgeMetric("Requests4xx", "Sum", { label: "4xx" }),
          edgeMetric("Requests5xx", "Sum", { label: "5xx" }),
        ]),
      )
      .withPanel(
        cloudWatchPanel(
          "Cache hit ratio",
          "percentunit",
          [
            edgeMetric("CacheHits", "Sum", { id: "hits", hidden: true }),
            edgeMetric("CacheMisses", "Sum", { id: "misses", hidden: true }),
          ],
          [{ expression: "hits / (hits + misses)", label: "hit ratio" }],
        ),
      )
      .withPanel(
        cloudWatchPanel("Time taken", "s", [
          edgeMetric("TimeTaken", "p50", { label: "p50" }),
          edgeMetric("TimeTaken", "p99", { label: "p99" }),
          edgeMetric("TimeToFirstByte", "p99", { label: "first byte p99" }),
        ]),
      )
      .withPanel(topFailingPathsPanel())
      .build(),
  );
}
