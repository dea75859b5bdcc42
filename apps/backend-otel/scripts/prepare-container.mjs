// Prepares the image's build context in dist-container/: the Dockerfile, and app/ made by `pnpm deploy
// --prod` (the backend's dist and fixtures with exactly its production dependencies, workspace packages
// included as they are packed). Turbo runs it after the builds it depends on.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist-container", { recursive: true, force: true });
mkdirSync("dist-container");
execFileSync(
  "pnpm",
  ["--filter", "@trackgraph/backend-otel", "deploy", "--prod", "--legacy", "dist-container/app"],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
cpSync("container/Dockerfile", "dist-container/Dockerfile");
cpSync("container/.dockerignore", "dist-container/.dockerignore");
console.log(
  "build context: apps/backend-otel/dist-container (docker build apps/backend-otel/dist-container)",
);
