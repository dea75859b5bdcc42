// Peak RSS of the real handler (through the local runner) on a large log, against moto on loopback.
// Usage: node bench/memory.mjs FILE.gz — the heap is capped as a 256 MB function would cap it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startMoto } from "@trackgraph/test-peers";

const file = process.argv[2];
if (!file) throw new Error("usage: node bench/memory.mjs FILE.gz");
const moto = await startMoto();
try {
  await new S3Client(moto.clientConfig).send(new CreateBucketCommand({ Bucket: "bench-logs" }));
  await new DynamoDBClient(moto.clientConfig).send(
    new CreateTableCommand({
      TableName: "bench-idempotency",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    }),
  );
  const started = Date.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--max-old-space-size=192", "dist/invoke.js", file, "--bucket", "bench-logs", "--timeout-ms", "900000"],
    {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "bench",
        AWS_SECRET_ACCESS_KEY: "bench",
        IDEMPOTENCY_TABLE: "bench-idempotency",
        POWERTOOLS_LOG_LEVEL: "WARN",
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const out = JSON.parse(stdout.trim().split("\n").at(-1));
  const r = out.result.processed[0];
  console.log(
    `records ${r.records}, batches ${r.batches}, ${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${out.maxRssMB} MB (heap capped at 192 MB)`,
  );
} finally {
  await moto.stop();
}
