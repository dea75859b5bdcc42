import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { HttpResponse } from "@smithy/protocol-http";
import { describe, expect, it } from "vitest";
import { MetricsPublisher } from "../src/index.js";

// No aws-sdk-client-mock here: it would replace the client's send, and with it the SDK's retry middleware.
const NOW = Date.parse("2026-11-25T12:00:00Z");
const metric = { kind: "counter", name: "R", value: 1, timestamp: new Date(NOW - 60_000) } as const;

/** A real client whose HTTP layer answers each attempt with the next status, and counts attempts. */
function clientAnswering(statuses: number[], maxAttempts: number) {
  const seen = { attempts: 0 };
  const client = new CloudWatchClient({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    retryMode: "standard",
    maxAttempts,
    requestHandler: {
      handle: async () => {
        const statusCode = statuses[Math.min(seen.attempts, statuses.length - 1)] ?? 200;
        seen.attempts++;
        const body =
          statusCode === 200
            ? "{}"
            : JSON.stringify({
                __type: statusCode === 400 ? "Throttling" : "ServiceUnavailable",
                message: "try later",
              });
        return {
          response: new HttpResponse({
            statusCode,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: Buffer.from(body),
          }),
        };
      },
    },
  });
  return { client, seen };
}

describe("retries come from the SDK", () => {
  it("retries throttling with the SDK's strategy until it succeeds", async () => {
    const { client, seen } = clientAnswering([400, 400, 200], 3);
    const result = await new MetricsPublisher({
      namespace: "TrackGraph/Test",
      client,
      now: () => NOW,
    }).publish([metric]);
    expect(result.publishedBatches).toEqual([0]);
    expect(seen.attempts).toBe(3);
  });

  it("surfaces a request that still fails after the retries as a PublishError naming the batch", async () => {
    const { client, seen } = clientAnswering([503], 2);
    const error = await new MetricsPublisher({ namespace: "TrackGraph/Test", client, now: () => NOW })
      .publish([metric])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PublishError", batchIndex: 0, completedBatches: [] });
    expect(seen.attempts).toBe(2);
  });
});
