import { App } from "cdktf";
import type { StackConfig } from "./config/load.js";
import { type StackArtifacts, TrackgraphStack } from "./stacks/trackgraph-stack.js";

export interface BuildOptions {
  outdir: string;
  stacks: StackConfig[];
  artifacts?: StackArtifacts;
}

/** Builds the cdktf app for the given stacks; `app.synth()` writes `<outdir>/stacks/<stack>/cdk.tf.json`. */
export function buildApp(options: BuildOptions): App {
  // skipValidation stays off: construct validations (for example a key without policy) fail the synth.
  const app = new App({ outdir: options.outdir, skipBackendValidation: false });
  for (const { stack, config } of options.stacks) {
    new TrackgraphStack(app, {
      stackName: stack,
      config,
      ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
  }
  return app;
}
