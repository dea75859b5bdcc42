// pnpm bench (infra): wall time and peak RSS of `pnpm synth`'s app run (node dist/main.js), all stacks.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const outdir = mkdtempSync(join(tmpdir(), "synth-bench-"));
const runs = [];
for (let i = 0; i < 6; i++) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ["dist/main.js"], {
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  runs.push(wallMs);
  if (i === 0) process.stdout.write(`first run (cold file cache): ${wallMs.toFixed(0)} ms\n`);
}
const warm = runs.slice(1).sort((a, b) => a - b);
// Peak RSS from the child itself: import the app, report maxRSS when it exits.
const rssKb = execFileSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    "process.on('exit', () => process.stdout.write(String(process.resourceUsage().maxRSS))); await import('./dist/main.js');",
  ],
  { env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
);
const rss = Number(rssKb.trim());
process.stdout.write(
  `all stacks, warm: best ${warm[0].toFixed(0)} ms, median ${warm[2].toFixed(0)} ms (wall, node start included); peak RSS ${Math.round(rss / 1024)} MB\n`,
);
