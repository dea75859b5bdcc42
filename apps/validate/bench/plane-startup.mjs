// Start-up time of the local plane without alerting (as before issue 20) and with it (Alertmanager, the
// rule file, topics and queues), alternating rounds in one run; prints every round and the medians.
// Run after a build: node apps/validate/bench/plane-startup.mjs [rounds]
import { startLocalPlane } from "@trackgraph/local-plane";
import { planeAlerting } from "../dist/index.js";

const rounds = Number(process.argv[2] ?? 3);
const times = { without: [], with: [] };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// One plane first, unmeasured: installs or reuses every peer and resolves the collector build.
await (await startLocalPlane({ alerting: planeAlerting({ timings: "production" }) })).stop();
for (let i = 0; i < rounds; i++) {
  for (const variant of ["without", "with"]) {
    const start = performance.now();
    const plane = await startLocalPlane(
      variant === "with" ? { alerting: planeAlerting({ timings: "production" }) } : {},
    );
    const ms = performance.now() - start;
    await plane.stop();
    times[variant].push(ms);
    console.log(`round ${i + 1} ${variant.padEnd(7)} alerting: ${(ms / 1000).toFixed(2)} s`);
  }
}
console.log(
  `median start-up: without alerting ${(median(times.without) / 1000).toFixed(2)} s, with alerting ${(median(times.with) / 1000).toFixed(2)} s (${rounds} rounds each)`,
);
