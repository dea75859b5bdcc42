// Validates every GitHub Actions workflow against the workflow schema (action-validator, WebAssembly build).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";

const dir = ".github/workflows";
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
let failures = 0;
for (const name of files) {
  const path = join(dir, name);
  const { errors } = validateWorkflow(readFileSync(path, "utf8"));
  for (const error of errors) {
    failures++;
    const where = "path" in error ? error.path : `line ${error.location?.line ?? "?"}`;
    console.error(`${path}: ${where}: ${error.title}${error.detail ? ` (${error.detail})` : ""}`);
  }
}
if (files.length === 0) {
  console.error(`${dir}: no workflow files`);
  process.exit(1);
}
if (failures > 0) process.exit(1);
console.log(`workflows: ${files.length} valid (${files.join(", ")})`);
