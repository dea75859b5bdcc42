// One invocation of the real Lambda bundle (dist/lambda/index.mjs) on one S3 object; prints one JSON line.
// Run by lambda-cost.mjs inside a cgroup whose CPU quota models a Lambda memory size.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * Peak RSS of this process image: VmHWM starts again at exec. (getrusage's maxRSS does not: it keeps
 * the peak of the process this one was forked from, the bench driver holding the log objects.)
 */
function peakRssMB() {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

const [bundle, bucket, key, versionId, memoryMb] = process.argv.slice(2);
const initStart = process.hrtime.bigint();
const { handler } = await import(pathToFileURL(bundle).href);
const initMs = Number(process.hrtime.bigint() - initStart) / 1e6;
const event = {
  Records: [
    {
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: bucket }, object: { key, versionId } },
    },
  ],
};
const context = {
  functionName: "log-parser-bench",
  functionVersion: "$LATEST",
  awsRequestId: `bench-${Date.now()}`,
  memoryLimitInMB: memoryMb,
  getRemainingTimeInMillis: () => 900_000,
};
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const result = await handler(event, context);
const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const processed = result?.processed?.[0] ?? {};
process.stdout.write(
  `${JSON.stringify({
    initMs,
    durationMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: peakRssMB(),
    status: processed.status,
    records: processed.records,
    batches: processed.batches,
  })}\n`,
);
