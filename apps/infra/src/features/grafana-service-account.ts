import { GrafanaWorkspaceServiceAccount } from "@cdktf/provider-aws/lib/grafana-workspace-service-account/index.js";
import { Construct } from "constructs";
import type { Naming } from "../blocks/naming.js";
import type { TelemetryPlane } from "./telemetry-plane.js";

/** How long the deploy's Grafana token lives: one apply of the dashboards stack, with room to spare. */
export const GRAFANA_TOKEN_SECONDS = 3600;

/**
 * The identity the dashboards stack's Grafana provider acts as: an admin service account of the
 * workspace, and no token. `pnpm run deploy` mints a token of {@link GRAFANA_TOKEN_SECONDS} for the
 * dashboards apply (GRAFANA_AUTH) and deletes it after, so no long-lived admin credential sits in any
 * state file, plan or config.
 */
export class GrafanaServiceAccount extends Construct {
  readonly serviceAccountId: string;
  readonly workspaceId: string;

  constructor(scope: Construct, id: string, props: { naming: Naming; plane: TelemetryPlane }) {
    super(scope, id);
    this.workspaceId = props.plane.grafana.id;
    this.serviceAccountId = new GrafanaWorkspaceServiceAccount(this, "account", {
      name: props.naming.name("terraform"),
      grafanaRole: "ADMIN",
      workspaceId: this.workspaceId,
    }).serviceAccountId;
  }
}
