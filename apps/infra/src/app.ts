import { App } from "cdktf";
import { DASHBOARDS_SUFFIX, type StackConfig } from "./config/load.js";
import { BootstrapStack } from "./stacks/bootstrap-stack.js";
import { DashboardsStack } from "./stacks/dashboards-stack.js";
import { type StackArtifacts, TrackgraphStack } from "./stacks/trackgraph-stack.js";

export interface BuildOptions {
  outdir: string;
  stacks: StackConfig[];
  artifacts: StackArtifacts;
}

/** Builds the cdktf app for the given stacks; `app.synth()` writes `<outdir>/stacks/<stack>/cdk.tf.json`. */
export function buildApp(options: BuildOptions): App {
  const app = new App({ outdir: options.outdir });
  for (const { stack, config } of options.stacks) {
    if (config.kind === "bootstrap") new BootstrapStack(app, { stackName: stack, config });
    else {
      const observability = new TrackgraphStack(app, {
        stackName: stack,
        config,
        artifacts: options.artifacts,
      });
      new DashboardsStack(app, { stackName: `${stack}${DASHBOARDS_SUFFIX}`, config, observability });
    }
  }
  return app;
}
