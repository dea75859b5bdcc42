// Writes the two image contexts, dist-image/proxy and dist-image/scraper, each with what its image is built
// from: the shared Dockerfile, the config generated from the typed inputs in src/images.ts, the builder
// manifest (ocb/manifest.yaml, output path set for the container) and the health check's source. Run
// after the build, from dist/; it refuses a config that names a component the manifest does not build.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeImageContext } from "../dist/index.js";

const root = join(import.meta.dirname, "..");
const out = join(root, "dist-image");
rmSync(out, { recursive: true, force: true });
for (const name of ["proxy", "scraper"]) {
  writeImageContext(name, join(out, name));
  process.stdout.write(`${join("dist-image", name)}\n`);
}
