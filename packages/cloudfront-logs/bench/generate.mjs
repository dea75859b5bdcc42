// Writes a reproducible, realistic CloudFront legacy log: one hour of one distribution, 33 fields.
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { seededRandom } from "@trackgraph/test-peers";
import { LEGACY_FIELDS } from "../dist/index.js";

const AGENTS = [
  "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/130.0.0.0%20Safari/537.36",
  "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2014_6)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)%20Version/18.0%20Safari/605.1.15",
  "Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2018_0%20like%20Mac%20OS%20X)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)%20Mobile/15E148",
  "Amazon%20CloudFront",
];
const PATHS = [
  "/",
  "/index.html",
  "/assets/app.4f3a1c.js",
  "/assets/app.9b2e.css",
  "/api/graph",
  "/api/summary",
  "/favicon.ico",
];
const RESULTS = ["Hit", "Hit", "Hit", "RefreshHit", "Miss", "Miss", "Error", "Redirect"];
const STATUS = ["200", "200", "200", "200", "304", "206", "404", "403", "500", "503", "000"];

export function* logLines(lines, seed) {
  const next = seededRandom(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  yield `#Version: 1.0\n#Fields: ${LEGACY_FIELDS.join(" ")}\n`;
  for (let i = 0; i < lines; i++) {
    const second = Math.floor((i / lines) * 3600);
    const hh = "14";
    const mm = String(Math.floor(second / 60)).padStart(2, "0");
    const ss = String(second % 60).padStart(2, "0");
    const v6 = next() < 0.2;
    const ip = v6
      ? `2001:db8:${Math.floor(next() * 65535).toString(16)}::${Math.floor(next() * 65535).toString(16)}`
      : `198.51.${Math.floor(next() * 255)}.${Math.floor(next() * 255)}`;
    const result = pick(RESULTS);
    const taken = (next() * next() * 2).toFixed(3);
    const ttfb = (Number(taken) * 0.9).toFixed(3);
    const id = Math.floor(next() * 2 ** 52).toString(36);
    yield `${[
      "2026-11-20",
      `${hh}:${mm}:${ss}`,
      "FRA56-P4",
      String(Math.floor(next() * 300_000)),
      ip,
      "GET",
      "d111111abcdef8.cloudfront.net",
      pick(PATHS),
      pick(STATUS),
      "https://trackgraph.example/",
      pick(AGENTS),
      next() < 0.3 ? `limit=${Math.floor(next() * 100)}&offset=0` : "-",
      "-",
      result,
      `${id}${id}${id}_REQUEST_ID==`,
      "trackgraph.example",
      "https",
      String(200 + Math.floor(next() * 800)),
      taken,
      "-",
      "TLSv1.3",
      "TLS_AES_128_GCM_SHA256",
      result,
      "HTTP/2.0",
      "-",
      "-",
      String(1024 + Math.floor(next() * 60000)),
      ttfb,
      result,
      "text/html",
      String(Math.floor(next() * 100_000)),
      "-",
      "-",
    ].join("\t")}\n`;
  }
}

/** Writes the file once; later runs reuse it (same seed, same bytes). */
export async function ensureLogFile(path, lines, seed) {
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await pipeline(logLines(lines, seed), createGzip({ level: 6 }), createWriteStream(partial));
  renameSync(partial, path);
  return path;
}
