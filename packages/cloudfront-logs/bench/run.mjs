// pnpm bench: throughput and peak memory of summarize against zlib alone and other parsers, one run.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureLogFile } from "./generate.mjs";

const LINES = Number(process.env.BENCH_LINES ?? 2_000_000);
const SEED = 20261125;
const here = fileURLToPath(new URL(".", import.meta.url));
const file = join(here, "..", ".cache", `cloudfront-${LINES}-${SEED}.log.gz`);

const t0 = Date.now();
await ensureLogFile(file, LINES, SEED);
console.log(`log file: ${LINES} lines (seed ${SEED}), ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const contenders = (
  process.env.BENCH_ONLY ?? "gunzip,gunzip-tuned,summarize,cloudfront-log-parser,split-on-tab"
).split(",");
const results = {};
for (const name of contenders) {
  const out = execFileSync(process.execPath, [join(here, "variant.mjs"), name, file], { encoding: "utf8" });
  results[name] = JSON.parse(out.trim());
}
const uncompressed = results["gunzip-tuned"].bytes;
const floor = uncompressed / (results.gunzip ?? results["gunzip-tuned"]).seconds;
console.log(`uncompressed size: ${(uncompressed / 1e6).toFixed(0)} MB`);
const tunedFloor = uncompressed / results["gunzip-tuned"].seconds;
const gb = uncompressed / 1e9;
console.log(
  "contender               lines/s     MB/s   vs gunzip  vs tuned   peak RSS   CPU s/GB  CPU vs tuned",
);
for (const name of contenders) {
  const r = results[name];
  const mbps = uncompressed / r.seconds / 1e6;
  console.log(
    `${name.padEnd(22)} ${String(Math.round(LINES / r.seconds)).padStart(9)} ${mbps.toFixed(1).padStart(8)} ${(uncompressed / r.seconds / floor).toFixed(2).padStart(9)}x ${(uncompressed / r.seconds / tunedFloor).toFixed(2).padStart(8)}x ${r.maxRssMB
      .toFixed(0)
      .padStart(
        7,
      )} MB ${(r.cpuSeconds / gb).toFixed(2).padStart(10)} ${(r.cpuSeconds / results["gunzip-tuned"].cpuSeconds).toFixed(2).padStart(12)}x`,
  );
}
console.log(
  "gunzip = Node defaults (16 KiB inflate chunks); tuned = 1 MiB reads and 1 MiB inflate chunks, as summarize",
);
console.log(
  "CPU s/GB = user + system CPU of the whole process (zlib's thread included) per GB of uncompressed log",
);
if (results["cloudfront-log-parser"] !== undefined) {
  const ratio = results.summarize.seconds / results["cloudfront-log-parser"].seconds;
  console.log(`summarize is ${(1 / ratio).toFixed(2)}x the speed of cloudfront-log-parser`);
}
if (results.summarize !== undefined && results.summarize.lines !== LINES)
  console.log(`WARNING: summarize saw ${results.summarize.lines} lines, expected ${LINES}`);
