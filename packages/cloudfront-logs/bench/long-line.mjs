// node bench/long-line.mjs [SIZE_MB...]: time and peak RSS of summarizeLog on a gzip log holding one
// newline-free line of SIZE_MB megabytes (default 80 and 300) between ordinary lines. Each size runs in
// its own process, so the peak RSS is its own; a run is stopped after BENCH_TIMEOUT_S seconds (default 180).
import { spawn } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
} from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";

const here = fileURLToPath(new URL(".", import.meta.url));
const cache = join(here, "..", ".cache");
const HEADER =
  "#Version: 1.0\n#Fields: date time sc-status sc-bytes cs-bytes x-edge-result-type time-taken\n";
const ORDINARY = "2026-11-25\t10:00:01\t200\t100\t10\tHit\t0.010\n";
const ORDINARY_LINES = 1000;

/** The log: 1,000 ordinary lines, one line of `megabytes` MB without a newline until its end, 1,000 more. */
async function* logText(megabytes) {
  yield Buffer.from(HEADER + ORDINARY.repeat(ORDINARY_LINES));
  // A 16 KiB block of printable bytes and tabs, repeated: the line's content does not matter to the
  // splitter, and a block inside gzip's 32 KiB window keeps the file small.
  const block = Buffer.alloc(16 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = i % 97 === 96 ? 0x09 : 0x41 + (i % 26);
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => block)); // 1 MiB
  for (let left = megabytes * 1e6; left > 0; left -= chunk.length)
    yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  yield Buffer.from(`\n${ORDINARY.repeat(ORDINARY_LINES)}`);
}

async function ensureFile(megabytes) {
  const file = join(cache, `long-line-${megabytes}MB.log.gz`);
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  await pipeline(
    Readable.from(logText(megabytes)),
    createGzip({ level: 1 }),
    createWriteStream(`${file}.tmp`),
  );
  renameSync(`${file}.tmp`, file);
  return file;
}

async function child(file) {
  const { summarizeLog } = await import("../dist/index.js");
  const started = performance.now();
  const summary = await summarizeLog(createReadStream(file));
  process.stdout.write(
    `${JSON.stringify({
      seconds: (performance.now() - started) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      records: summary.records,
      malformed: summary.malformed,
      reason: summary.malformedLines[0]?.reason,
    })}\n`,
  );
}

function rssMB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function measure(file, timeoutS) {
  const started = performance.now();
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  proc.stdout.on("data", (d) => {
    out += d;
  });
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, rssMB(proc.pid));
  }, 200);
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutS * 1000);
  const code = await new Promise((resolve) => proc.once("exit", (c, signal) => resolve(c ?? signal)));
  clearInterval(sampler);
  clearTimeout(timer);
  if (code === 0) return JSON.parse(out);
  return {
    seconds: (performance.now() - started) / 1000,
    maxRssMB: sampledPeak,
    unfinished: code === "SIGKILL" ? `stopped after ${timeoutS} s` : `exited with ${code}`,
  };
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]);
} else {
  const sizes = process.argv.slice(2).map(Number);
  const timeoutS = Number(process.env.BENCH_TIMEOUT_S ?? 180);
  console.log("line size   seconds   peak RSS   records  malformed  reason");
  for (const megabytes of sizes.length > 0 ? sizes : [80, 300]) {
    const r = await measure(await ensureFile(megabytes), timeoutS);
    console.log(
      `${`${megabytes} MB`.padStart(9)} ${r.seconds.toFixed(1).padStart(9)} ${`${r.maxRssMB.toFixed(0)} MB`.padStart(10)} ${String(r.records ?? "-").padStart(9)} ${String(r.malformed ?? "-").padStart(10)}  ${r.unfinished ?? r.reason ?? ""}`,
    );
  }
}
