// pnpm bench:query: `cf-logs query` next to `cf-logs summarize` on the benchmark log at several sizes
// (default 200k, 1M and 2M lines; BENCH_SIZES=200000,2000000 to choose), each command in its own process
// (peak RSS is that process's own), through the built CLI as a user runs it. It prints throughput and
// peak RSS per size, then peak RSS across sizes: flat memory means that row barely moves.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureLogFile } from "./generate.mjs";

const SIZES = (process.env.BENCH_SIZES ?? "200000,1000000,2000000").split(",").map(Number);
const SEED = 20261125;
const here = fileURLToPath(new URL(".", import.meta.url));
const queries = join(here, "..", "queries");
const runner = join(here, "measure-cli.mjs");

// The generated log is one hour (2026-11-20 14:00 UTC) of one distribution; its file name carries no
// distribution id, so every command is given the same one.
const ID = "EBENCH2M";
const range = ["--param", "from=2026-11-20T00:00:00Z", "--param", "to=2026-11-21T00:00:00Z"];
const named = (name) => [
  "query",
  "--json",
  "--distribution-id",
  ID,
  "--sql",
  join(queries, `${name}.sql`),
  ...range,
];
const SELECT_ALL = ["query", "--json", "--sql", "SELECT * FROM cloudfront_logs LIMIT 1"];
const contenders = [
  ["summarize --json", () => ["summarize", "--json", "--distribution-id", ID]],
  ["query distribution-minutes", () => [...named("distribution-minutes"), "--param", `distribution=${ID}`]],
  ["query top-clients", () => named("top-clients")],
  ["query SELECT * (all columns)", () => SELECT_ALL],
  ["query SELECT * --memory-limit 64MB", () => [...SELECT_ALL, "--memory-limit", "64MB"]],
];

function run(args) {
  const out = execFileSync(process.execPath, [runner, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return JSON.parse(out);
}

/** Requests per the query's minutes and per summarize's: the two paths must agree, or they did different work. */
function agreement(summaryOut, minutesOut) {
  const summarized = Object.values(JSON.parse(summaryOut).perMinute).reduce((n, c) => n + c, 0);
  const queried = minutesOut
    .trim()
    .split("\n")
    .reduce((n, line) => n + JSON.parse(line).requests, 0);
  return `requests: query ${queried}, summarize ${summarized} (${queried === summarized ? "equal" : "DIFFERENT"})`;
}

const peaks = new Map(contenders.map(([name]) => [name, []]));
for (const lines of SIZES) {
  const file = join(here, "..", ".cache", `cloudfront-${lines}-${SEED}.log.gz`);
  await ensureLogFile(file, lines, SEED);
  console.log(`\nlog file: ${lines} lines (seed ${SEED}), ${(statSync(file).size / 1e6).toFixed(0)} MB gzip`);
  console.log("contender                              seconds    lines/s   peak RSS");
  const outputs = [];
  for (const [name, args] of contenders) {
    const { seconds, maxRssMB, stdout } = run([...args(), file]);
    outputs.push(stdout);
    peaks.get(name).push(maxRssMB);
    console.log(
      `${name.padEnd(36)} ${seconds.toFixed(1).padStart(9)} ${String(Math.round(lines / seconds)).padStart(10)} ${maxRssMB.toFixed(0).padStart(7)} MB`,
    );
  }
  console.log(agreement(outputs[0], outputs[1]));
}

console.log(`\npeak RSS (MB) by input size: ${SIZES.map((n) => `${n / 1000}k`).join(" / ")} lines`);
for (const [name, values] of peaks)
  console.log(`${name.padEnd(36)} ${values.map((v) => v.toFixed(0)).join(" / ")}`);
