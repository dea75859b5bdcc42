// Writes the two image contexts, dist-image/proxy and dist-image/scraper: the shared Dockerfile and the
// config generated from the typed inputs in src/images.ts (run after the build, from dist/).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { imageConfigYaml } from "../dist/index.js";

const root = join(import.meta.dirname, "..");
const out = join(root, "dist-image");
rmSync(out, { recursive: true, force: true });
for (const name of ["proxy", "scraper"]) {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, "images", "Dockerfile"), join(dir, "Dockerfile"));
  writeFileSync(join(dir, "config.yaml"), imageConfigYaml(name));
  process.stdout.write(`${join("dist-image", name)}\n`);
}
