// pnpm bench (after the publish-plan bench), or pnpm bench:lambda alone — the Lambda's duration, peak memory and price per GB of logs at each memory size.
//
// Runs the real bundle (dist/lambda/index.mjs, what the zip holds) on gzip log objects of 1, 10 and
// 100 MB uncompressed in moto's S3, publishing to moto's CloudWatch, once per memory size. Each run is
// its own process inside a cgroup (v1) with a CPU quota of f = MB / 1769 of one core (Lambda gives one
// full vCPU at 1,769 MB, CPU in proportion to memory) and a memory limit of MB. Moto runs outside the
// cgroup, as S3 and CloudWatch do. Needs root (to make cgroups) and `pnpm build` first.
//
// Usage: node bench/lambda-cost.mjs [--sizes 1,10,100] [--memory 128,256,512,1024,1769] [--rounds 1]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { LEGACY_FIELDS } from "@trackgraph/cloudfront-logs";
import { seededRandom, startMoto } from "@trackgraph/test-peers";

// AWS Lambda pricing, x86, US East (N. Virginia), first tier; read 2026-12-02 (see the README).
const PRICE_PER_GB_SECOND = 0.0000166667;
const PRICE_PER_REQUEST = 0.2 / 1e6;
/** Lambda's memory size with one full vCPU (AWS Lambda Developer Guide, "Configuring function memory"). */
const ONE_VCPU_MB = 1769;
const CPU_PERIOD_US = 100_000;
const CGROUP_ROOT = "/sys/fs/cgroup";

const here = fileURLToPath(new URL(".", import.meta.url));
const bundle = join(here, "..", "dist", "lambda", "index.mjs");
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1,10,100" },
    memory: { type: "string", default: "128,256,512,1024,1769" },
    rounds: { type: "string", default: "1" },
  },
});
const sizesMB = values.sizes.split(",").map(Number);
const memorySizes = values.memory.split(",").map(Number);
const rounds = Number(values.rounds);

const pick = (next, list) => list[Math.floor(next() * list.length)];

/**
 * One CloudFront delivery of about `megabytes` MB uncompressed: W3C with the 33 standard fields, one
 * distribution, the hour before `endMs` (inside CloudWatch's window, so everything is published).
 */
function logObject(megabytes, endMs, seed) {
  const next = seededRandom(seed);
  const header = `#Version: 1.0\n#Fields: ${LEGACY_FIELDS.join(" ")}\n`;
  const lines = [header];
  let bytes = header.length;
  const startMs = endMs - 3_600_000;
  const target = megabytes * 1e6;
  const estimate = Math.ceil(target / 420);
  for (let i = 0; bytes < target; i++) {
    const at = new Date(
      startMs + Math.floor((Math.min(i, estimate - 1) / estimate) * 3_600_000),
    ).toISOString();
    const taken = (next() < 0.9 ? next() * 0.3 : next() * 3).toFixed(3);
    const line = [
      at.slice(0, 10),
      at.slice(11, 19),
      pick(next, ["FRA56-P4", "LHR61-C2", "IAD89-C1", "NRT57-C3"]),
      String(Math.floor(next() * 200_000)),
      `198.51.100.${Math.floor(next() * 255)}`,
      "GET",
      "d111111abcdef8.cloudfront.net",
      pick(next, ["/", "/index.html", "/assets/app.4f3a1c.js", "/api/graph", "/favicon.ico"]),
      pick(next, ["200", "200", "200", "304", "404", "503"]),
      "-",
      "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/130.0.0.0%20Safari/537.36",
      "-",
      "-",
      pick(next, ["Hit", "Hit", "RefreshHit", "Miss", "Error"]),
      `${Math.floor(next() * 1e16).toString(36)}SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZ==`,
      "www.example.com",
      "https",
      String(100 + Math.floor(next() * 900)),
      taken,
      "-",
      "TLSv1.3",
      "TLS_AES_128_GCM_SHA256",
      "Hit",
      "HTTP/2.0",
      "-",
      "-",
      String(1024 + Math.floor(next() * 60_000)),
      (Number(taken) * 0.8).toFixed(3),
      "Hit",
      "text/html",
      String(Math.floor(next() * 200_000)),
      "-",
      "-",
    ].join("\t");
    lines.push(`${line}\n`);
    bytes += line.length + 1;
  }
  const text = Buffer.from(lines.join(""));
  return { gz: gzipSync(text), uncompressed: text.length, lines: lines.length - 1 };
}

/** A cgroup (v1) with a CPU quota of `fraction` of one core and a memory limit; returns its two paths. */
function makeCgroup(name, fraction, memoryMb) {
  const cpu = join(CGROUP_ROOT, "cpu", name);
  const memory = join(CGROUP_ROOT, "memory", name);
  mkdirSync(cpu);
  mkdirSync(memory);
  writeFileSync(join(cpu, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
  writeFileSync(join(cpu, "cpu.cfs_quota_us"), String(Math.round(fraction * CPU_PERIOD_US)));
  writeFileSync(join(memory, "memory.limit_in_bytes"), String(memoryMb * 1024 * 1024));
  return { cpu, memory };
}

/** Runs the child in the cgroups: the shell joins them, then becomes node, so no instruction runs outside. */
function runChild(groups, args, env) {
  const script = `echo $$ > ${groups.cpu}/cgroup.procs && echo $$ > ${groups.memory}/cgroup.procs && exec "$0" "$@"`;
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", script, process.execPath, join(here, "lambda-child.mjs"), ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err = (err + d).slice(-4000);
    });
    child.on("close", (code, signal) => resolve({ code, signal, out, err }));
  });
}

// Fail early, in one line, where the model cannot run.
for (const hierarchy of ["cpu", "memory"]) {
  const probe = join(CGROUP_ROOT, hierarchy, `trackgraph-lambda-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    console.error(
      `lambda-cost: cannot make a cgroup under ${join(CGROUP_ROOT, hierarchy)} (${error.code}): run as root on cgroup v1`,
    );
    process.exit(1);
  }
}
if (!existsSync(bundle)) {
  console.error(`lambda-cost: ${bundle} is missing: run pnpm build first`);
  process.exit(1);
}

const moto = await startMoto();
const made = [];
try {
  const s3 = new S3Client(moto.clientConfig);
  const dynamo = new DynamoDBClient(moto.clientConfig);
  const bucket = "bench-logs";
  const table = "bench-idempotency";
  const endMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const objects = sizesMB.map((mb) => {
    const log = logObject(mb, endMs, 20261202 + mb);
    const key = `cloudfront/EBENCH${mb}MB.${new Date(endMs).toISOString().slice(0, 13).replace("T", "-")}.bench.gz`;
    console.log(
      `object ${mb} MB: ${log.lines} lines, ${(log.uncompressed / 1e6).toFixed(1)} MB, gzip ${(log.gz.length / 1e6).toFixed(2)} MB`,
    );
    return { mb, key, ...log };
  });
  /** A fresh world per run (moto keeps every metric it was sent, and slows as they pile up). */
  async function freshWorld(object) {
    await moto.reset();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.gz }));
    return put.VersionId;
  }

  console.log(
    "\nmemory   CPU  object  duration  CPU time  CPU/f  batches  init  peak RSS  $/GB measured  $/GB CPU/f  status",
  );
  let run = 0;
  const rows = [];
  for (let round = 0; round < rounds; round++) {
    for (const memoryMb of memorySizes) {
      const fraction = Math.min(1, memoryMb / ONE_VCPU_MB);
      for (const object of objects) {
        run++;
        const versionId = await freshWorld(object);
        const name = `trackgraph-lambda-bench-${process.pid}-${run}`;
        const groups = makeCgroup(name, fraction, memoryMb);
        made.push(groups);
        const result = await runChild(groups, [bundle, bucket, object.key, versionId, String(memoryMb)], {
          ...process.env,
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
          IDEMPOTENCY_TABLE: table,
          LOG_PREFIX: "cloudfront/",
          POWERTOOLS_LOG_LEVEL: "ERROR",
        });
        const line = result.out.trim().split("\n").at(-1);
        const r = result.code === 0 && line ? JSON.parse(line) : undefined;
        const perGb = (seconds) =>
          (seconds * (memoryMb / 1024) * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST) /
          (object.uncompressed / 1e9);
        // The CPU-bound model: the invocation's CPU time at f of a core, no wait for S3 or CloudWatch.
        const cpuBoundS = r ? r.cpuMs / 1000 / fraction : Number.NaN;
        const status = r
          ? r.status
          : `failed (${result.signal ?? `exit ${result.code}`}${result.signal === "SIGKILL" ? ": out of memory" : ""})`;
        const row = {
          memoryMb,
          object: object.mb,
          ...r,
          cpuBoundS,
          perGbMeasured: r ? perGb(r.durationMs / 1000) : null,
          perGbCpuBound: r ? perGb(cpuBoundS) : null,
          status,
        };
        rows.push(row);
        const cell = (text, width) => (r ? text() : "-").padStart(width);
        console.log(
          [
            `${memoryMb}`.padStart(6),
            `${(fraction * 100).toFixed(0)}%`.padStart(5),
            `${object.mb} MB`.padStart(7),
            cell(() => `${(r.durationMs / 1000).toFixed(2)} s`, 9),
            cell(() => `${(r.cpuMs / 1000).toFixed(2)} s`, 9),
            cell(() => `${cpuBoundS.toFixed(2)} s`, 6),
            cell(() => String(r.batches), 8),
            cell(() => `${(r.initMs / 1000).toFixed(2)}`, 5),
            cell(() => `${r.maxRssMB.toFixed(0)} MB`, 9),
            cell(() => `$${row.perGbMeasured.toFixed(5)}`, 14),
            cell(() => `$${row.perGbCpuBound.toFixed(5)}`, 11),
            ` ${status}`,
          ].join(" "),
        );
        if (!r && result.err) console.log(`  ${result.err.trim().split("\n").slice(-3).join("\n  ")}`);
      }
    }
  }
  writeFileSync(join(here, "..", "reports", "lambda-cost.json"), `${JSON.stringify(rows, null, 2)}\n`);
  console.log(
    `\nCPU = the cgroup's quota, ${ONE_VCPU_MB} MB = one core; duration = the handler's invocation against moto (init apart);`,
  );
  console.log(
    `CPU/f = the invocation's CPU time over its share of a core: the duration with no wait for S3 or CloudWatch;`,
  );
  console.log(
    `price = duration x memory x $${PRICE_PER_GB_SECOND}/GB-s + $0.20 per 1M requests, per GB of uncompressed log`,
  );
} finally {
  await moto.stop();
  for (const { cpu, memory } of made) {
    for (const dir of [cpu, memory]) {
      try {
        rmdirSync(dir);
      } catch {
        // already gone, or a process still in it: the kernel removes it when that exits
      }
    }
  }
}
