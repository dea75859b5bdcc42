// pnpm bench (log-parser): PutMetricData requests for one hour of logs, and the time to build them.
// The request count must not grow with the line count: it depends on minutes and distinct latencies.
import { summarizeLog } from "@trackgraph/cloudfront-logs";
import { MetricsPublisher } from "@trackgraph/metrics-publisher";
import { seededRandom } from "@trackgraph/test-peers";
import { metricsFromAggregate, NAMESPACE } from "../dist/metrics.js";

function hourLog(lines, seed) {
  const next = seededRandom(seed);
  const status = ["200", "200", "200", "304", "404", "503"];
  const result = ["Hit", "Hit", "Miss", "RefreshHit", "Error"];
  const parts = [
    "#Version: 1.0\n#Fields: date time sc-status sc-bytes cs-bytes x-edge-result-type time-taken time-to-first-byte\n",
  ];
  for (let i = 0; i < lines; i++) {
    const second = Math.floor((i / lines) * 3600);
    const time = `14:${String(Math.floor(second / 60)).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}`;
    const taken = (next() * next() * 3).toFixed(3);
    parts.push(
      `2026-11-25\t${time}\t${status[Math.floor(next() * status.length)]}\t${Math.floor(next() * 50000)}\t${200 + Math.floor(next() * 500)}\t${
        result[Math.floor(next() * result.length)]
      }\t${taken}\t${(Number(taken) * 0.8).toFixed(3)}\n`,
    );
  }
  return Buffer.from(parts.join(""));
}

const now = Date.parse("2026-11-25T15:30:00Z");
const publisher = new MetricsPublisher({
  namespace: NAMESPACE,
  client: { send: async () => ({}) },
  now: () => now,
});
console.log("lines/hour   metric data   requests   requests per 1M lines   plan time (best of 5)");
for (const lines of [100_000, 1_000_000]) {
  const summary = await summarizeLog([hourLog(lines, 7)], { distributionId: "EBENCH" });
  const metrics = metricsFromAggregate(summary.aggregate, {
    distributionId: "EBENCH",
    malformedLines: summary.malformed,
    truncated: false,
    processedAt: new Date(now),
  });
  let best = Number.POSITIVE_INFINITY;
  let plan;
  for (let run = 0; run < 5; run++) {
    // The generated log leaves garbage behind; collect it so its pauses are not billed to the plan.
    globalThis.gc?.();
    const start = performance.now();
    plan = publisher.plan(metrics);
    best = Math.min(best, performance.now() - start);
  }
  const data = plan.batches.reduce((n, b) => n + b.length, 0);
  console.log(
    `${String(lines).padStart(10)} ${String(data).padStart(13)} ${String(plan.batches.length).padStart(10)} ${(
      (plan.batches.length / lines) *
      1e6
    )
      .toFixed(1)
      .padStart(23)} ${`${best.toFixed(1)} ms`.padStart(21)}`,
  );
}
