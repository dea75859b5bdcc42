// pnpm bench (backend-otel): the graph endpoint with and without full tracing (sampling 1.0), same
// process settings, autocannon on loopback. Prints requests/s, p99 latency and the ratios.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const TOKEN = "bench-metrics-token-0123456789";

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
  const dir = mkdtempSync(join(tmpdir(), "backend-bench-"));
  writeFileSync(join(dir, "StreamingHistory_music_0.json"), JSON.stringify(plays));
  return { dir, plays: plays.length };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Starts one backend (instrumented or not) and resolves once it listens. */
async function startBackend(instrumented, port, dataDir) {
  const args = instrumented
    ? ["--import", "@trackgraph/otel-bootstrap/register", "dist/server.js"]
    : ["dist/server.js"];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_TOKEN: TOKEN,
      DATA_SOURCE: "local",
      DATA_DIR: dataDir,
      HISTORY_CACHE_SECONDS: "3600",
      OTEL_SERVICE_NAME: "trackgraph-backend-bench",
      OTEL_TRACES_SAMPLER_ARG: "1",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.address().port}`,
      TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) =>
    child.stdout.on("data", (c) => String(c).includes("listening") && resolve()),
  );
  const url = `http://127.0.0.1:${port}/graph?limit=25`;
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up, not measured
  return { child, url };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Both backends run side by side; rounds alternate between them, so drift in the machine's load (this is a
 * shared 2-core box, autocannon included) falls on both alike. Each figure is the median of its rounds.
 */
async function compare(dataDir, portBase) {
  const plain = await startBackend(false, portBase, dataDir);
  const traced = await startBackend(true, portBase + 1, dataDir);
  const runs = { plain: [], traced: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, backend] of [
      ["plain", plain],
      ["traced", traced],
    ]) {
      const result = await autocannon({ url: backend.url, connections: CONNECTIONS, duration: DURATION });
      runs[name].push({
        rps: result.requests.average,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
      });
    }
  }
  plain.child.kill("SIGTERM");
  traced.child.kill("SIGTERM");
  const summary = (name) => ({
    rps: median(runs[name].map((r) => r.rps)),
    p99: median(runs[name].map((r) => r.p99)),
    errors: runs[name].reduce((n, r) => n + r.errors, 0),
    spread: runs[name].map((r) => r.rps.toFixed(0)).join(", "),
  });
  return { plain: summary("plain"), traced: summary("traced") };
}

const year = yearOfHistory();
console.log(
  `GET /graph, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION} s per backend (medians), after a 2 s warm-up`,
);
for (const [name, dir, port] of [
  ["one week (the committed fixture, 220 plays)", "fixtures/history", 18601],
  [`one year (${year.plays} plays)`, year.dir, 18611],
]) {
  console.log(`\n${name}`);
  const { plain, traced } = await compare(dir, port);
  for (const [label, s] of [
    ["uninstrumented", plain],
    ["traced (1.0)", traced],
  ])
    console.log(
      `${label.padEnd(14)} ${s.rps.toFixed(0).padStart(7)} req/s   p99 ${String(s.p99).padStart(4)} ms   errors ${s.errors}   rounds: ${s.spread} req/s`,
    );
  console.log(
    `throughput ${((traced.rps / plain.rps) * 100).toFixed(1)}% of uninstrumented (loss ${((1 - traced.rps / plain.rps) * 100).toFixed(1)}%), p99 ${
      plain.p99 === 0 ? "n/a" : `${(((traced.p99 - plain.p99) / plain.p99) * 100).toFixed(1)}%`
    } higher; tracing adds ${((1 / traced.rps - 1 / plain.rps) * 1e6).toFixed(0)} µs of server time per request`,
  );
}
collector.close();
