import { describe, expect, it } from "vitest";
import { LogParserConfigError, loadConfig, skipReason } from "../src/config.js";

describe("configuration", () => {
  it("applies defaults and names a bad variable", () => {
    expect(loadConfig({ IDEMPOTENCY_TABLE: "t" })).toEqual({
      logPrefix: "cloudfront/",
      idempotencyTable: "t",
      idempotencyTtlSeconds: 604800,
      publishConcurrency: 1,
      s3ForcePathStyle: false,
      maxLineBytes: 65536,
    });
    expect(
      loadConfig({ IDEMPOTENCY_TABLE: "t", MAX_LINE_BYTES: "131072", DEAD_LETTER_QUEUE_URL: "https://q" }),
    ).toMatchObject({ maxLineBytes: 131072, deadLetterQueueUrl: "https://q" });
    expect(() => loadConfig({ IDEMPOTENCY_TABLE: "t", MAX_LINE_BYTES: "64k" })).toThrow(
      'MAX_LINE_BYTES="64k"',
    );
    expect(() => loadConfig({})).toThrowError(LogParserConfigError);
    expect(() => loadConfig({ IDEMPOTENCY_TABLE: "t", PUBLISH_CONCURRENCY: "0" })).toThrow(
      'PUBLISH_CONCURRENCY="0"',
    );
    expect(() => loadConfig({ IDEMPOTENCY_TABLE: "t", LOG_PREFIX: "logs" })).toThrow("ending in /");
    expect(
      loadConfig({ IDEMPOTENCY_TABLE: "t", AWS_ENDPOINT_URL: "http://127.0.0.1:5000" }).s3ForcePathStyle,
    ).toBe(true);
  });

  it("recognizes access-log keys", () => {
    expect(skipReason("cloudfront/E1.2026-11-25-10.abc.gz", "cloudfront/")).toBeUndefined();
    expect(skipReason("cloudfront/E1/2026/11/25/10/part.log", "cloudfront/")).toBeUndefined();
    expect(skipReason("cloudfront/readme.md", "cloudfront/")).toMatch(/not a log file name/);
  });
});
