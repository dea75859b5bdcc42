// Prepares the image's build context in dist-container/: the Dockerfile, and app/ made by `pnpm deploy
// --prod` (the backend's dist and fixtures with exactly its production dependencies, workspace packages
// included as they are packed). Turbo runs it after the builds it depends on.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";

rmSync("dist-container", { recursive: true, force: true });
mkdirSync("dist-container");
execFileSync(
  "pnpm",
  ["--filter", "@trackgraph/backend-otel", "deploy", "--prod", "--legacy", "dist-container/app"],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
// pnpm's bookkeeping of the install (when it pruned, where its store is) is not read at run time and
// differs on every build and machine: the context must be the same bytes for the same sources, since
// the image's tag is a digest of it (apps/infra: contextTag).
rmSync("dist-container/app/node_modules/.modules.yaml", { force: true });
// Nor are the command shims of packages with a `bin` (pino's): pnpm writes the machine's paths into them.
for (const entry of readdirSync("dist-container/app/node_modules", {
  recursive: true,
  withFileTypes: true,
})) {
  if (entry.isDirectory() && basename(entry.name) === ".bin")
    rmSync(join(entry.parentPath ?? entry.path, entry.name), { recursive: true, force: true });
}
cpSync("container/Dockerfile", "dist-container/Dockerfile");
cpSync("container/.dockerignore", "dist-container/.dockerignore");
console.log(
  "build context: apps/backend-otel/dist-container (docker build apps/backend-otel/dist-container)",
);
