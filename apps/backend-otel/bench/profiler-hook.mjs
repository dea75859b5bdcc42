// Preloaded into a benchmarked backend (`--import ./bench/profiler-hook.mjs`) when `pnpm bench --profile`
// runs: starts V8's CPU profiler at once and, on SIGUSR2, writes the profile to BENCH_PROFILE_FILE.
// Not `node --cpu-prof`: that writes only on a normal exit, and the bootstrap's SIGTERM handler ends the
// process with the signal itself (a stopping container must not outlive its flush).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.BENCH_PROFILE_FILE;
if (!file) throw new Error("profiler-hook: BENCH_PROFILE_FILE is not set");

const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

// 100 µs between samples: the fine grain a 50 µs request needs, at a few % of CPU.
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 100 });
let started = false;

/** SIGUSR1 is the inspector's own signal, so the bench starts (after warm-up) and stops with SIGUSR2. */
process.on("SIGUSR2", () => {
  if (!started) {
    started = true;
    post("Profiler.start").then(() => process.stderr.write("profiler-hook: started\n"));
    return;
  }
  post("Profiler.stop").then(({ profile }) => {
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write("profiler-hook: written\n");
  });
});
