// pnpm bench (backend-otel): the graph endpoint uninstrumented and traced at the default sampling (0.1) and
// at 1.0, request log off, same process settings, autocannon on loopback, alternating rounds. Prints
// requests/s, p99 latency and the overhead of each sampling level.
//   --profile       then profiles each backend under load and prints where its CPU time goes
//   --year          also runs the comparison on a year of history (requests that do 3 to 8 ms of work)
//   --request-log   also runs a backend traced at 1.0 that writes a request line per request
// BENCH_COMPARE_REGISTER=<file> adds two backends preloading another build of the bootstrap's register
// (e.g. an earlier commit's), at 0.1 and 1.0, so a change is measured against it within one run.
// BENCH_ROUNDS (default 3) and BENCH_SECONDS (default 10) set the rounds and their length.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@trackgraph/otel-bootstrap";
import { freePort } from "@trackgraph/test-peers";
import autocannon from "autocannon";
import { formatSummary, summarizeProfile } from "./profile-summary.mjs";

const FLAGS = ["--profile", "--year", "--request-log"];
const unknown = process.argv.slice(2).filter((arg) => !FLAGS.includes(arg));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown option ${unknown[0]} (known: ${FLAGS.join(", ")})\n`);
  process.exit(2);
}
const flag = (name) => process.argv.includes(name);

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 20;
const TOKEN = "bench-metrics-token-0123456789";
const WORK = mkdtempSync(join(tmpdir(), "backend-bench-"));

/**
 * Every backend this run started: killed when the run ends, however it ends (a failed start or round, a
 * thrown error, Ctrl-C), so no backend outlives the bench holding its port.
 */
const children = new Set();
const killChildren = () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
};
process.on("exit", killChildren);
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
])
  process.on(signal, () => {
    killChildren();
    rmSync(WORK, { recursive: true, force: true });
    process.exit(code);
  });

/** A collector stand-in that accepts every export, so tracing does its full work. */
const collector = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.end("{}"));
});
await new Promise((resolve) => collector.listen(0, "127.0.0.1", resolve));

/**
 * A year of listening (what Spotify's export holds), made from the committed week by shifting it 52 times,
 * so requests do the work a real export makes them do.
 */
function yearOfHistory() {
  const week = JSON.parse(readFileSync("fixtures/history/StreamingHistory_music_0.json", "utf8"));
  const plays = [];
  for (let w = 0; w < 52; w++) {
    for (const play of week) {
      const end = new Date(`${play.endTime.replace(" ", "T")}Z`).getTime() - w * 7 * 86_400_000;
      plays.push({ ...play, endTime: new Date(end).toISOString().slice(0, 16).replace("T", " ") });
    }
  }
  const dir = mkdtempSync(join(WORK, "year-"));
  writeFileSync(join(dir, "StreamingHistory_music_0.json"), JSON.stringify(plays));
  return { dir, plays: plays.length };
}

/**
 * The backends compared: `sampling` undefined runs without the bootstrap; `register` preloads another
 * module instead of the bootstrap's. All but the last write no
 * request line, so the figures are tracing's and metrics' cost alone.
 */
const BACKENDS = [
  { key: "plain", label: "uninstrumented", sampling: undefined, requestLog: false },
  {
    key: "context",
    label: "context only (floor)",
    sampling: undefined,
    register: "./bench/context-only.mjs",
  },
  { key: "default", label: "traced (0.1, default)", sampling: "0.1", requestLog: false },
  { key: "full", label: "traced (1.0)", sampling: "1", requestLog: false },
  ...(process.env.BENCH_COMPARE_REGISTER
    ? [
        {
          key: "otherDefault",
          label: "other build (0.1)",
          sampling: "0.1",
          register: process.env.BENCH_COMPARE_REGISTER,
        },
        {
          key: "otherFull",
          label: "other build (1.0)",
          sampling: "1",
          register: process.env.BENCH_COMPARE_REGISTER,
        },
      ]
    : []),
  ...(flag("--request-log")
    ? [{ key: "logged", label: "traced (1.0) + req. log", sampling: "1", requestLog: true }]
    : []),
];

/** Starts one backend on a free port and resolves once it listens and has been warmed up. */
async function startBackend(backend, dataDir, profileFile) {
  const port = await freePort();
  const preload = [
    ...(profileFile ? ["--import", "./bench/profiler-hook.mjs"] : []),
    ...(backend.register !== undefined || backend.sampling !== undefined
      ? ["--import", backend.register ?? "@trackgraph/otel-bootstrap/register"]
      : []),
  ];
  const child = spawn(process.execPath, [...preload, "dist/server.js"], {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_TOKEN: TOKEN,
      DATA_SOURCE: "local",
      DATA_DIR: dataDir,
      HISTORY_CACHE_SECONDS: "3600",
      OTEL_SERVICE_NAME: "trackgraph-backend-bench",
      OTEL_TRACES_SAMPLER_ARG: backend.sampling ?? "1",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.address().port}`,
      TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
      LOG_REQUEST_SAMPLE_RATIO: backend.requestLog ? "1" : "0",
      ...(profileFile ? { BENCH_PROFILE_FILE: profileFile } : {}),
    },
    // Log lines go to /dev/null: the figures are the logger's own cost (serializing, the write), not the
    // cost of a reader; read here, they would take CPU from autocannon in this very process.
    stdio: ["ignore", openSync("/dev/null", "w"), "inherit"],
  });
  children.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  void exited.then(() => children.delete(child));
  // A backend that dies at start (a port taken since freePort chose it) fails the run at once, by its code.
  let listens = false;
  await Promise.race([
    listening(port),
    exited.then((code) => {
      if (!listens)
        throw new Error(`the backend ${backend.key} exited (${code}) before it listened on port ${port}`);
    }),
  ]);
  listens = true;
  const url = `http://127.0.0.1:${port}/graph?limit=25`;
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up, not measured
  return { child, url };
}

/** Resolves once the backend answers its health check (its stdout is not read). */
async function listening(port) {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the backend on port ${port} did not answer /healthz within 30 s`);
}

/**
 * CPU seconds a process has used (user + system, from /proc): CPU per request is steadier than throughput
 * on a shared machine, where other work takes cores away in some rounds and not others.
 */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // After the command: state is field 3, utime and stime are fields 14 and 15, in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The backends run side by side; rounds alternate between them, so drift in the machine's load (this is a
 * shared 2-core box, autocannon included) falls on all alike. Each figure is the median of its rounds, and
 * each ratio is also taken round by round (the rounds next to each other) and its median printed.
 */
async function compare(dataDir) {
  const started = [];
  for (const backend of BACKENDS) started.push([backend.key, await startBackend(backend, dataDir)]);
  const runs = Object.fromEntries(BACKENDS.map(({ key }) => [key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, backend] of started) {
      const cpuBefore = cpuSeconds(backend.child.pid);
      const result = await autocannon({ url: backend.url, connections: CONNECTIONS, duration: DURATION });
      const cpu = cpuSeconds(backend.child.pid) - cpuBefore;
      runs[key].push({
        rps: result.requests.average,
        cpuPerRequest: (cpu / result.requests.total) * 1e6,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
      });
    }
  }
  for (const [, backend] of started) backend.child.kill("SIGTERM");
  return runs;
}

function summary(rounds) {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p99: median(rounds.map((r) => r.p99)),
    cpu: median(rounds.map((r) => r.cpuPerRequest)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    spread: rounds.map((r) => r.rps.toFixed(0)).join(", "),
  };
}

const signed = (n, digits) => `${n >= 0 ? "+" : ""}${n.toFixed(digits)}`;

/** Throughput of `b` against `a` (medians, and the median of the round-by-round ratios), p99, µs per request. */
function cost(what, roundsA, roundsB) {
  const a = summary(roundsA);
  const b = summary(roundsB);
  const paired = median(roundsB.map((r, i) => 1 - r.rps / roundsA[i].rps));
  const cpu = median(roundsB.map((r, i) => r.cpuPerRequest / roundsA[i].cpuPerRequest));
  return [
    `${what}:`,
    `  throughput loss ${((1 - b.rps / a.rps) * 100).toFixed(1)}% of medians, ${(paired * 100).toFixed(1)}% median of paired rounds; p99 ${a.p99} -> ${b.p99} ms`,
    `  CPU per request ${signed(b.cpu - a.cpu, 0)} µs (${a.cpu.toFixed(0)} -> ${b.cpu.toFixed(0)} µs), ${signed((cpu - 1) * 100, 1)}% (median of paired rounds): a CPU-bound server loses ${((1 - 1 / cpu) * 100).toFixed(1)}% of its throughput`,
  ].join("\n");
}

async function comparison(name, dir) {
  console.log(`\n${name}`);
  const runs = await compare(dir);
  for (const { key, label } of BACKENDS) {
    const s = summary(runs[key]);
    console.log(
      `${label.padEnd(24)} ${s.rps.toFixed(0).padStart(7)} req/s   p99 ${String(s.p99).padStart(4)} ms   CPU ${s.cpu.toFixed(0).padStart(4)} µs/request   errors ${s.errors}   rounds: ${s.spread} req/s`,
    );
  }
  console.log(cost("AsyncLocalStorage alone (the floor of context propagation)", runs.plain, runs.context));
  console.log(cost("overhead at the default sampling 0.1", runs.plain, runs.default));
  console.log(cost("overhead at sampling 1.0", runs.plain, runs.full));
  if (runs.otherDefault) {
    console.log(cost("other build at 0.1", runs.plain, runs.otherDefault));
    console.log(cost("other build at 1.0", runs.plain, runs.otherFull));
  }
  if (runs.logged) console.log(cost("request log (vs traced 1.0 without it)", runs.full, runs.logged));
}

/** Waits for the profiler hook to write its file (it answers the signal asynchronously). */
async function written(file) {
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 200)); // the write itself
  if (!existsSync(file)) throw new Error(`the profile ${file} was not written within 10 s`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** One backend at a time under the same load, with V8's sampling profiler on for one round. */
async function profileBackends() {
  console.log(`\nCPU profiles, GET /graph on the week, ${DURATION} s of load each, one backend at a time`);
  for (const backend of BACKENDS) {
    const file = join(WORK, `${backend.key}.cpuprofile`);
    const started = await startBackend(backend, "fixtures/history", file);
    started.child.kill("SIGUSR2"); // starts the profiler
    await new Promise((r) => setTimeout(r, 300));
    const result = await autocannon({ url: started.url, connections: CONNECTIONS, duration: DURATION });
    started.child.kill("SIGUSR2"); // stops it and writes the profile
    const profile = await written(file);
    started.child.kill("SIGTERM");
    await new Promise((resolve) => started.child.once("exit", resolve));
    console.log(
      `\n${backend.label}: ${result.requests.total} requests (${result.requests.average.toFixed(0)} req/s)`,
    );
    const top = backend.sampling === undefined ? 8 : 12;
    for (const line of formatSummary(summarizeProfile(profile), { requests: result.requests.total, top }))
      console.log(line);
  }
}

console.log(
  `GET /graph, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION} s per backend (medians), after a 2 s warm-up`,
);
await comparison("one week (the committed fixture, 220 plays)", "fixtures/history");
if (flag("--year")) {
  const year = yearOfHistory();
  await comparison(`one year (${year.plays} plays)`, year.dir);
}
if (flag("--profile")) await profileBackends();
/**
 * The request line alone, without HTTP around it (whose noise on this shared machine is larger than the
 * line's cost): the backend's logger writing the same fields, one write(2) per line to /dev/null.
 */
function loggerAlone(lines = 200_000) {
  const fd = openSync("/dev/null", "w");
  const log = createLogger({ service: "bench", destination: { write: (line) => writeSync(fd, line) } });
  const fields = {
    method: "GET",
    route: "/graph",
    path: "/graph",
    status: 200,
    duration_ms: 1.23,
    bytes: 4242,
  };
  for (let i = 0; i < 10_000; i++) log.info(fields, "request"); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) log.info(fields, "request");
  return Number(process.hrtime.bigint() - start) / 1000 / lines;
}
const perLine = [loggerAlone(), loggerAlone(), loggerAlone()].sort((a, b) => a - b)[1];
console.log(`\nrequest line alone (median of 3 runs of 200,000 lines): ${perLine.toFixed(2)} µs per line`);
collector.close();
// The profiles stay for a closer look (bench/profile-summary.mjs reads them); the rest is removed.
if (flag("--profile")) console.log(`\nprofiles: ${WORK}/*.cpuprofile`);
else rmSync(WORK, { recursive: true, force: true });
