import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { HttpResponse } from "@smithy/protocol-http";
import { describe, expect, it } from "vitest";
import { MetricsPublisher } from "../src/index.js";

// No aws-sdk-client-mock here: it would replace the client's send, and with it the SDK's retry middleware.
const NOW = Date.parse("2026-11-25T12:00:00Z");
const metric = { kind: "counter", name: "R", value: 1, timestamp: new Date(NOW - 60_000) } as const;

describe("retries come from the SDK", () => {
  it("retries throttling with the default client until it succeeds", async () => {
    let attempts = 0;
    const client = new CloudWatchClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      retryMode: "standard",
      maxAttempts: 3,
      requestHandler: {
        handle: async () => {
          attempts++;
          const throttled = attempts < 3;
          const body = throttled ? JSON.stringify({ __type: "Throttling", message: "Rate exceeded" }) : "{}";
          return {
            response: new HttpResponse({
              statusCode: throttled ? 400 : 200,
              headers: { "content-type": "application/x-amz-json-1.0" },
              body: Buffer.from(body),
            }),
          };
        },
      },
    });
    const result = await new MetricsPublisher({
      namespace: "TrackGraph/Test",
      client,
      now: () => NOW,
    }).publish([metric]);
    expect(result.publishedBatches).toEqual([0]);
    expect(attempts).toBe(3);
  });
});

describe("a request that fails after the SDK's retries", () => {
  it("surfaces as a PublishError naming the batch", async () => {
    let attempts = 0;
    const client = new CloudWatchClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      retryMode: "standard",
      maxAttempts: 2,
      requestHandler: {
        handle: async () => {
          attempts++;
          return {
            response: new HttpResponse({
              statusCode: 503,
              headers: { "content-type": "application/x-amz-json-1.0" },
              body: Buffer.from(JSON.stringify({ __type: "ServiceUnavailable", message: "try later" })),
            }),
          };
        },
      },
    });
    const error = await new MetricsPublisher({ namespace: "TrackGraph/Test", client, now: () => NOW })
      .publish([metric])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PublishError", batchIndex: 0, completedBatches: [] });
    expect(attempts).toBe(2);
  });
});
