// Runs one contender over the file and prints one JSON line; run in its own process so RSS is its own.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { createGunzip } from "node:zlib";
import CloudFrontParser from "cloudfront-log-parser";

// BENCH_PARSER: another build of this package (an older commit's bundle) to compare on the same machine.
const parser = process.env.BENCH_PARSER;
const { summarizeLog } = await import(parser === undefined ? "../dist/index.js" : pathToFileURL(parser).href);

const [name, file] = process.argv.slice(2);
const CHUNK = 1 << 20;

/** Node's gunzip as most code uses it: default stream and zlib settings. The floor. */
async function gunzipDefaults() {
  let bytes = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip())) bytes += chunk.length;
  return { bytes, lines: 0 };
}

/** Node's best gunzip: 1 MiB reads and 1 MiB inflate chunks (the sizes summarize uses), the strictest floor. */
async function gunzipTuned() {
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK }).pipe(
    createGunzip({ chunkSize: Number(process.env.INFLATE_KIB ?? 1024) * 1024 }),
  )) {
    bytes += chunk.length;
  }
  return { bytes, lines: 0 };
}

async function summarize() {
  const summary = await summarizeLog(createReadStream(file, { highWaterMark: CHUNK }));
  return { bytes: summary.bytesRead, lines: summary.records + summary.malformed, check: summary.records };
}

async function libraryParser() {
  let lines = 0;
  let bytesSent = 0;
  const parser = new CloudFrontParser({ format: "web" });
  const done = new Promise((resolve, reject) => {
    parser.on("data", (access) => {
      lines++;
      bytesSent += Number(access["sc-bytes"]);
    });
    parser.on("end", resolve);
    parser.on("error", reject);
  });
  createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip()).pipe(parser);
  await done;
  return { bytes: 0, lines, check: bytesSent };
}

async function splitOnTab() {
  let lines = 0;
  let bytesSent = 0;
  const input = createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip());
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.startsWith("#") || line.length === 0) continue;
    const fields = line.split("\t");
    bytesSent += Number(fields[3]);
    lines++;
  }
  return { bytes: 0, lines, check: bytesSent };
}

const contenders = {
  gunzip: gunzipDefaults,
  "gunzip-tuned": gunzipTuned,
  summarize,
  "cloudfront-log-parser": libraryParser,
  "split-on-tab": splitOnTab,
};
const run = contenders[name];
if (run === undefined) throw new Error(`unknown contender ${name}`);
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const result = await run();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
// user + system of every thread of the process: zlib's thread pool included.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ name, seconds, cpuSeconds, ...result, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
