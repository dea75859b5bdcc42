import { gzipSync } from "node:zlib";
import { LEGACY_FIELDS } from "../src/fields.js";

export const HEADER_33 = `#Version: 1.0\n#Fields: ${LEGACY_FIELDS.join(" ")}\n`;
export const HEADER_26 = `#Version: 1.0\n#Fields: ${LEGACY_FIELDS.slice(0, 26).join(" ")}\n`;

export type Overrides = Partial<Record<(typeof LEGACY_FIELDS)[number], string>>;

/** A realistic legacy line in the layout of the AWS documentation's example; override any field. */
export function legacyLine(overrides: Overrides = {}, fieldCount = 33): string {
  const base: Record<string, string> = {
    date: "2019-12-04",
    time: "21:02:31",
    "x-edge-location": "LAX1-C1",
    "sc-bytes": "392",
    "c-ip": "192.0.2.100",
    "cs-method": "GET",
    "cs(Host)": "d111111abcdef8.cloudfront.net",
    "cs-uri-stem": "/index.html",
    "sc-status": "200",
    "cs(Referer)": "-",
    "cs(User-Agent)":
      "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36",
    "cs-uri-query": "-",
    "cs(Cookie)": "-",
    "x-edge-result-type": "Hit",
    "x-edge-request-id": "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==",
    "x-host-header": "d111111abcdef8.cloudfront.net",
    "cs-protocol": "https",
    "cs-bytes": "23",
    "time-taken": "0.001",
    "x-forwarded-for": "-",
    "ssl-protocol": "TLSv1.2",
    "ssl-cipher": "ECDHE-RSA-AES128-GCM-SHA256",
    "x-edge-response-result-type": "Hit",
    "cs-protocol-version": "HTTP/2.0",
    "fle-status": "-",
    "fle-encrypted-fields": "-",
    "c-port": "11040",
    "time-to-first-byte": "0.001",
    "x-edge-detailed-result-type": "Hit",
    "sc-content-type": "text/html",
    "sc-content-len": "78",
    "sc-range-start": "-",
    "sc-range-end": "-",
  };
  const merged = { ...base, ...overrides };
  return LEGACY_FIELDS.slice(0, fieldCount)
    .map((name) => merged[name] ?? "-")
    .join("\t");
}

export function gz(text: string | Buffer): Buffer {
  return gzipSync(typeof text === "string" ? Buffer.from(text) : text);
}

/** Splits a buffer into chunks of the given sizes (cycled), to exercise lines that straddle chunks. */
export function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  let k = 0;
  while (offset < data.length) {
    const size = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    out.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}
