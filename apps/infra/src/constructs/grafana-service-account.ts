import { GrafanaWorkspaceServiceAccount } from "@cdktf/provider-aws/lib/grafana-workspace-service-account/index.js";
import { GrafanaWorkspaceServiceAccountToken } from "@cdktf/provider-aws/lib/grafana-workspace-service-account-token/index.js";
import { Construct } from "constructs";
import type { Naming } from "../stacks/naming.js";
import type { TelemetryPlane } from "./telemetry-plane.js";

/** The longest a workspace service-account token may live (30 days). */
const TOKEN_SECONDS = 30 * 24 * 3600;

/**
 * The identity the dashboards stack's Grafana provider uses: an admin service account of the workspace
 * and a token. Made here, in the environment stack, so the dashboards stack reads a token that exists
 * when it plans: a provider configured from a resource of its own stack would be unknown at plan time.
 */
export class GrafanaServiceAccount extends Construct {
  /** The token (sensitive; Terraform state holds it, as it holds every provider credential it creates). */
  readonly token: string;

  constructor(scope: Construct, id: string, props: { naming: Naming; plane: TelemetryPlane }) {
    super(scope, id);
    const workspaceId = props.plane.grafana.id;
    const account = new GrafanaWorkspaceServiceAccount(this, "account", {
      name: props.naming.name("terraform"),
      grafanaRole: "ADMIN",
      workspaceId,
    });
    // Expires after 30 days: `-replace` this resource and apply this stack to rotate it.
    this.token = new GrafanaWorkspaceServiceAccountToken(this, "token", {
      name: props.naming.name("terraform"),
      secondsToLive: TOKEN_SECONDS,
      serviceAccountId: account.serviceAccountId,
      workspaceId,
    }).key;
  }
}
