// Runs the built CLI in this process and prints its wall time, peak RSS and stdout as one JSON line, so
// the parent measures exactly one CLI run (process.resourceUsage covers this process only).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = join(fileURLToPath(new URL(".", import.meta.url)), "..", "dist", "cli.js");
const probe = join(fileURLToPath(new URL(".", import.meta.url)), "rss-probe.cjs");
const child = spawnSync(process.execPath, ["--require", probe, cli, ...process.argv.slice(2)], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit", "pipe"],
  maxBuffer: 1 << 28,
});
if (child.status !== 0) {
  console.error(`cf-logs ${process.argv.slice(2).join(" ")}: exit ${child.status}`);
  process.exit(1);
}
const measured = JSON.parse(child.output[3]);
process.stdout.write(JSON.stringify({ ...measured, stdout: child.stdout }));
