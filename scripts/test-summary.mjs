// Adds up the vitest JSON reports of every workspace into one closing line: "N passed, N failed".
// Reports come from the test run itself (or Turbo's cache of it), so the figures are the ones just produced.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const kind = process.argv[2] ?? "unit";
const FILES = { unit: ["vitest.json"], e2e: ["vitest-e2e.json"], all: ["vitest.json", "vitest-e2e.json"] };
const files = FILES[kind];
if (files === undefined) throw new Error(`usage: test-summary.mjs unit|e2e|all`);
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const group of ["packages", "apps"]) {
  for (const name of readdirSync(group)) {
    for (const file of files) {
      const report = join(group, name, "reports", file);
      if (!existsSync(report)) continue;
      const json = JSON.parse(readFileSync(report, "utf8"));
      passed += json.numPassedTests;
      failed += json.numFailedTests;
      skipped += json.numPendingTests + json.numTodoTests;
      const tier = file.includes("e2e") ? "e2e " : "unit";
      lines.push(
        `  ${`${group}/${name}`.padEnd(28)} ${tier} ${json.numPassedTests} passed, ${json.numFailedTests} failed`,
      );
    }
  }
}
console.log(`${kind} tests by workspace:\n${lines.join("\n")}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
if (failed > 0 || passed === 0) process.exit(1);
