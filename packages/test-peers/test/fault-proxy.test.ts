import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsJsonError, startFaultProxy } from "../src/index.js";

let upstream: Server;
let upstreamUrl = "";
const seen: string[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push(`${req.headers["x-amz-target"] ?? req.url} ${body}`);
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const signed = (service: string, target?: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=testing/20261125/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  ...(target === undefined ? {} : { "x-amz-target": target }),
});

describe("fault proxy", () => {
  it("forwards by default and names each request's service and operation", async () => {
    const proxy = await startFaultProxy(upstreamUrl);
    const answer = await fetch(`${proxy.url}/`, {
      method: "POST",
      headers: signed("dynamodb", "DynamoDB_20120810.UpdateItem"),
      body: "a",
    });
    expect(await answer.json()).toEqual({ echoed: "a" });
    await fetch(`${proxy.url}/bucket/key.gz?versionId=1`, { headers: signed("s3") });
    expect(proxy.log.map((r) => [r.seq, r.service, r.operation, r.fault, r.status])).toEqual([
      [1, "dynamodb", "UpdateItem", "forward", 200],
      [2, "s3", "GET /bucket/key.gz", "forward", 200],
    ]);
    await proxy.close();
  });

  it("answers with an AWS error without forwarding, and resets connections", async () => {
    seen.length = 0;
    const proxy = await startFaultProxy(upstreamUrl, (r) =>
      r.operation === "PutMetricData" ? awsJsonError(400, "Throttling", "Rate exceeded") : { kind: "reset" },
    );
    const throttled = await fetch(`${proxy.url}/`, {
      method: "POST",
      headers: signed("monitoring", "GraniteServiceVersion20100801.PutMetricData"),
      body: "x",
    });
    expect(throttled.status).toBe(400);
    expect(throttled.headers.get("x-amzn-query-error")).toBe("Throttling;Sender");
    expect(await throttled.json()).toEqual({ __type: "Throttling", message: "Rate exceeded" });
    await expect(fetch(`${proxy.url}/`, { method: "POST", body: "y" })).rejects.toThrow();
    expect(seen).toEqual([]);
    await proxy.close();
  });

  it("forwards then runs a hook and loses the answer: the peer has the request, the caller an error", async () => {
    seen.length = 0;
    const hooked: number[] = [];
    const proxy = await startFaultProxy(upstreamUrl, () => ({
      kind: "forward-then",
      after: ({ status }) => void hooked.push(status),
      answer: false,
    }));
    await expect(
      fetch(`${proxy.url}/`, { method: "POST", headers: signed("monitoring", "X.PutMetricData"), body: "z" }),
    ).rejects.toThrow();
    expect(seen).toEqual(["X.PutMetricData z"]);
    expect(hooked).toEqual([200]);
    expect(proxy.log[0]).toMatchObject({ fault: "forward-then", upstreamStatus: 200 });
    expect(proxy.log[0]?.status).toBeUndefined();
    await proxy.close();
  });

  it("shows a rule the unzipped content of a gzip request and forwards the bytes as they came", async () => {
    seen.length = 0;
    const bodies: string[] = [];
    const proxy = await startFaultProxy(upstreamUrl, (r) => {
      bodies.push(r.body.toString());
      return undefined;
    });
    const zipped = gzipSync("compressed metrics");
    await fetch(`${proxy.url}/`, { method: "POST", headers: { "content-encoding": "gzip" }, body: zipped });
    expect(bodies).toEqual(["compressed metrics"]);
    expect(proxy.log[0]?.body.toString()).toBe("compressed metrics");
    expect(seen).toEqual([`/ ${zipped.toString()}`]);
    await proxy.close();
  });

  it("delays a request and lets the rule change between requests", async () => {
    const proxy = await startFaultProxy(upstreamUrl, () => ({ kind: "delay", ms: 300 }));
    const started = Date.now();
    await fetch(`${proxy.url}/`, { method: "POST", body: "d" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    proxy.rule = undefined;
    expect((await fetch(`${proxy.url}/`, { method: "POST", body: "e" })).status).toBe(200);
    expect(proxy.log.map((r) => r.fault)).toEqual(["delay", "forward"]);
    await proxy.close();
  });
});
