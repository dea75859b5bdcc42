import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";

/** A CloudFront standard log (W3C, gzip) as CloudFront delivers it: one object, a known request count. */
export interface SyntheticLog {
  distributionId: string;
  /** The object name CloudFront gives it: `<distribution>.<yyyy-mm-dd-hh>.<unique>.gz`. */
  fileName: string;
  body: Buffer;
  requests: number;
  /** The minutes the requests fall in, for reading the metrics back. */
  from: Date;
  to: Date;
}

const FIELDS =
  "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";

/** `requests` requests over the last few minutes before `end`, in CloudFront's standard log format. */
export function syntheticLog(requests: number, end = new Date()): SyntheticLog {
  const distributionId = `EVALIDATE${randomBytes(3).toString("hex").toUpperCase()}`;
  const to = new Date(Math.floor(end.getTime() / 60_000) * 60_000 - 60_000);
  const from = new Date(to.getTime() - 4 * 60_000);
  const rows = ["#Version: 1.0", `#Fields: ${FIELDS}`];
  for (let i = 0; i < requests; i++) {
    const at = new Date(from.getTime() + Math.floor((i / requests) * 4 * 60_000));
    const status = i % 10 === 0 ? "404" : "200";
    rows.push(
      [
        at.toISOString().slice(0, 10),
        at.toISOString().slice(11, 19),
        "FRA56-P4",
        "2048",
        "192.0.2.10",
        "GET",
        "d111111abcdef8.cloudfront.net",
        "/index.html",
        status,
        "-",
        "Mozilla/5.0",
        "-",
        "-",
        i % 3 === 0 ? "Miss" : "Hit",
        randomBytes(12).toString("base64url"),
        "trackgraph.example.com",
        "https",
        "180",
        "0.012",
        "-",
        "TLSv1.3",
        "TLS_AES_128_GCM_SHA256",
        i % 3 === 0 ? "Miss" : "Hit",
        "HTTP/2.0",
        "-",
        "-",
        "52341",
        "0.010",
        i % 3 === 0 ? "Miss" : "Hit",
        "text/html",
        "2048",
        "-",
        "-",
      ].join("\t"),
    );
  }
  const hour = to.toISOString().slice(0, 13).replace("T", "-");
  return {
    distributionId,
    fileName: `${distributionId}.${hour}.${randomBytes(4).toString("hex")}.gz`,
    body: gzipSync(`${rows.join("\n")}\n`),
    requests,
    from,
    to,
  };
}
