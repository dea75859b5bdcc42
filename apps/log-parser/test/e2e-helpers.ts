import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import type { MotoServer } from "@trackgraph/test-peers";
import type { Context } from "aws-lambda";
import { expect } from "vitest";
import { NAMESPACE } from "../src/metrics.js";

const run = promisify(execFile);

/** A log of `lines` requests spread over the `minutes` minutes before `end`, with varied latencies. */
export function makeLog(lines: number, minutes: number, end: Date, seed: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const statuses = ["200", "200", "304", "404", "503", "000"];
  const results = ["Hit", "RefreshHit", "Miss", "Error"];
  const rows = [
    "#Version: 1.0",
    "#Fields: date time x-edge-location sc-bytes c-ip sc-status x-edge-result-type cs-bytes time-taken time-to-first-byte",
  ];
  for (let i = 0; i < lines; i++) {
    const at = new Date(end.getTime() - minutes * 60_000 + Math.floor((i / lines) * minutes * 60_000));
    const taken = (next() * 2.5).toFixed(3);
    rows.push(
      [
        at.toISOString().slice(0, 10),
        at.toISOString().slice(11, 19),
        "FRA56-P4",
        String(Math.floor(next() * 90_000)),
        "2001:db8::7",
        statuses[Math.floor(next() * statuses.length)],
        results[Math.floor(next() * results.length)],
        String(100 + Math.floor(next() * 900)),
        taken,
        (Number(taken) * 0.7).toFixed(3),
      ].join("\t"),
    );
  }
  return `${rows.join("\n")}\n`;
}

/** What `cf-logs summarize --json` says: the log's true counts. */
export interface Summary {
  records: number;
  requests: Record<string, number>;
  bytesSent: number;
  cacheHits: number;
  cacheMisses: number;
  perMinute: Record<string, number>;
}

// The package's built CLI, run with node: a bin link to dist/ would not exist on a fresh install.
const cfLogsCli = join(
  dirname(createRequire(import.meta.url).resolve("@trackgraph/cloudfront-logs/package.json")),
  "dist",
  "cli.js",
);

export async function cfLogs(files: string[]): Promise<Summary> {
  const { stdout } = await run(process.execPath, [cfLogsCli, "summarize", "--json", ...files]);
  return JSON.parse(stdout) as Summary;
}

export const s3Event = (bucket: string, key: string, versionId: string) => ({
  Records: [
    {
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: bucket }, object: { key, versionId } },
    },
  ],
});

export const context = (ms = 60_000) =>
  ({
    functionName: "log-parser-e2e",
    awsRequestId: `r${Date.now()}${Math.random()}`,
    getRemainingTimeInMillis: () => ms,
  }) as unknown as Context;

/** What CloudWatch holds for one distribution: requests per minute and totals, read with GetMetricData. */
export async function readBack(cloudwatch: CloudWatchClient, distributionId: string, from: Date, to: Date) {
  // moto's GetMetricData ignores the namespace it is asked for, so the namespace is checked on its own.
  const { Metrics } = await cloudwatch.send(
    new ListMetricsCommand({
      Namespace: NAMESPACE,
      Dimensions: [{ Name: "DistributionId", Value: distributionId }],
    }),
  );
  expect(Metrics?.map((m) => m.MetricName)).toContain("Requests");
  const metric = (id: string, name: string, stat = "Sum") => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: name,
        Dimensions: [{ Name: "DistributionId", Value: distributionId }],
      },
      Period: 60,
      Stat: stat,
    },
  });
  const { MetricDataResults } = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      ScanBy: "TimestampAscending",
      MetricDataQueries: [
        metric("requests", "Requests"),
        metric("s2xx", "Requests2xx"),
        metric("s3xx", "Requests3xx"),
        metric("s4xx", "Requests4xx"),
        metric("s5xx", "Requests5xx"),
        metric("other", "RequestsOtherStatus"),
        metric("bytes", "BytesDownloaded"),
        metric("hits", "CacheHits"),
        metric("misses", "CacheMisses"),
        metric("latencyCount", "TimeTaken", "SampleCount"),
      ],
    }),
  );
  const series: Record<string, MetricDataResult> = Object.fromEntries(
    (MetricDataResults ?? []).map((r): [string, MetricDataResult] => [r.Id ?? "", r]),
  );
  const total = (id: string) => (series[id]?.Values ?? []).reduce((a, b) => a + b, 0);
  const perMinute: Record<string, number> = {};
  series.requests?.Timestamps?.forEach((t, i) => {
    perMinute[`${t.toISOString().slice(0, 16)}Z`] = series.requests?.Values?.[i] ?? 0;
  });
  return {
    records: total("requests"),
    requests: {
      "2xx": total("s2xx"),
      "3xx": total("s3xx"),
      "4xx": total("s4xx"),
      "5xx": total("s5xx"),
      other: total("other"),
    },
    bytesSent: total("bytes"),
    cacheHits: total("hits"),
    cacheMisses: total("misses"),
    perMinute,
    latencySamples: total("latencyCount"),
  };
}

export type ReadBack = Awaited<ReturnType<typeof readBack>>;

export const expectSame = (got: ReadBack, want: Summary) => {
  expect(got.perMinute).toEqual(want.perMinute);
  expect({ ...got, perMinute: undefined, latencySamples: undefined }).toEqual({
    records: want.records,
    requests: want.requests,
    bytesSent: want.bytesSent,
    cacheHits: want.cacheHits,
    cacheMisses: want.cacheMisses,
    perMinute: undefined,
    latencySamples: undefined,
  });
  expect(got.latencySamples).toBe(want.records);
};

/**
 * What the Lambda runs against, made in moto: a versioned logs bucket, the idempotency table, and the
 * environment the handler reads. Its clients reach `endpoint` (moto, or a fault proxy in front of it);
 * the returned clients, the test's own, talk to moto directly.
 */
export async function pipelineWorld(
  moto: MotoServer,
  names: { bucket: string; table: string },
  endpoint = moto.endpoint,
): Promise<{ s3: S3Client; cloudwatch: CloudWatchClient }> {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    IDEMPOTENCY_TABLE: names.table,
    LOG_PREFIX: "cloudfront/",
  });
  const s3 = new S3Client(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: names.bucket, VersioningConfiguration: { Status: "Enabled" } }),
  );
  await new DynamoDBClient(moto.clientConfig).send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    }),
  );
  return { s3, cloudwatch: new CloudWatchClient(moto.clientConfig) };
}
