#!/usr/bin/env node
// Rewrites the failure-mode table of this package's README from src/catalogue.ts (through the build in
// dist/). `--check` writes nothing and exits 1 when the README is out of date (the unit tests check the
// same).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withCatalogue } from "../dist/index.js";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const current = readFileSync(readmePath, "utf8");
const generated = withCatalogue(current);
if (process.argv.includes("--check")) {
  if (generated !== current) {
    process.stderr.write("README.md: the catalogue table is out of date; run pnpm catalogue:readme\n");
    process.exit(1);
  }
} else if (generated !== current) {
  writeFileSync(readmePath, generated);
  process.stdout.write("README.md: catalogue table rewritten\n");
}
