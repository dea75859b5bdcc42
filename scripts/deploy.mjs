// `pnpm run deploy --stack NAME`: builds what the stack deploys and runs `cdktf deploy NAME`.
// Run by a person with credentials for the account; CI never applies. (`pnpm deploy` without `run` is
// pnpm's own command for copying a package, so the script is reached through `pnpm run`.)
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { stack: { type: "string" }, "auto-approve": { type: "boolean", default: false } },
  allowPositionals: true,
});
if (values.stack === undefined) {
  console.error("usage: pnpm run deploy --stack NAME [--auto-approve]");
  process.exit(2);
}
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  TURBO_TELEMETRY_DISABLED: "1",
  TRACKGRAPH_STACK: values.stack,
};
const step = (command, args) => {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
step("pnpm", ["turbo", "run", "build", "--filter=@trackgraph/infra...", "--output-logs=errors-only"]);
step("apps/infra/node_modules/.bin/cdktf", [
  "deploy",
  values.stack,
  ...(values["auto-approve"] ? ["--auto-approve"] : []),
  ...positionals,
]);
