import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import type { ImageReference } from "../blocks/container-image.js";
import type { TrackgraphConfig } from "../config/schema.js";

/** The images a TrackGraph environment runs, by the role they play. */
export type ImageRole = "backend" | "proxy" | "scraper";
export const IMAGE_ROLES: readonly ImageRole[] = ["backend", "proxy", "scraper"];

/** Each image's build context, relative to the repository root (made by the workspaces' `container` task). */
export const IMAGE_CONTEXTS: Record<ImageRole, string> = {
  backend: "apps/backend-otel/dist-container",
  proxy: "apps/collector/dist-image/proxy",
  scraper: "apps/collector/dist-image/scraper",
};

/**
 * The tag an image is pushed under: a digest of its build context (every file's path and bytes). The same
 * sources give the same tag, so an unchanged image is neither rebuilt nor redeployed, and a changed one
 * can never overwrite a tag in the IMMUTABLE repositories. A git commit would change on every commit.
 */
export function contextTag(dir: string): string {
  const hash = createHash("sha256");
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const entry = lstatSync(path);
      // A link is hashed as the link it is (pnpm's node_modules are relative links, some of them cycles).
      const kind = entry.isSymbolicLink() ? "link" : entry.isDirectory() ? "dir" : "file";
      hash.update(`${kind}\0${relative(dir, path)}\0`);
      if (kind === "dir") walk(path);
      else hash.update(kind === "link" ? readlinkSync(path) : readFileSync(path));
    }
  };
  walk(dir);
  return `src-${hash.digest("hex").slice(0, 20)}`;
}

/** `<project>/<name>`: the ECR repository the bootstrap stack makes for an image name of the config. */
export function repositoryName(project: string, name: string): string {
  return `${project}/${name}`;
}

/**
 * What each image of the stack is: the repository the bootstrap stack makes, and the config's tag or digest,
 * else the tag of the context synth found.
 */
export function resolveImages(
  config: TrackgraphConfig,
  contextTags: Record<ImageRole, string>,
): Record<ImageRole, ImageReference> {
  const configured = {
    backend: config.backend.image,
    proxy: config.observability.collectors.proxyImage,
    scraper: config.observability.collectors.scraperImage,
  };
  const out = {} as Record<ImageRole, ImageReference>;
  for (const role of IMAGE_ROLES) {
    const image = configured[role];
    out[role] = {
      repository: repositoryName(config.project, image.repository),
      ...(image.digest === undefined ? { tag: image.tag ?? contextTags[role] } : { digest: image.digest }),
    };
  }
  return out;
}
