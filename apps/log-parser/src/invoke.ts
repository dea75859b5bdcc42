import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { loadConfig } from "./config.js";
import { createHandler } from "./handler.js";

const USAGE =
  "usage: invoke FILE [--bucket NAME] [--key KEY] [--timeout-ms N] [--create-bucket] [--no-upload]";

/**
 * Runs the real handler on a local file: uploads it to the configured S3 endpoint (AWS_ENDPOINT_URL for
 * an emulator, or a real account), then invokes the handler with the S3 notification S3 would send.
 */
async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bucket: { type: "string", default: process.env.LOGS_BUCKET ?? "trackgraph-local-logs" },
      key: { type: "string" },
      "timeout-ms": { type: "string", default: "300000" },
      "create-bucket": { type: "boolean", default: false },
      // Re-run the handler on the object already at --bucket/--key (FILE only names it).
      "no-upload": { type: "boolean", default: false },
    },
  });
  const file = positionals[0];
  if (file === undefined) throw new Error(USAGE);
  const size = values["no-upload"] ? 0 : statSync(file).size;
  const config = loadConfig();
  const bucket = values.bucket;
  const key = values.key ?? `${config.logPrefix}${basename(file)}`;
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  if (values["create-bucket"]) {
    await s3
      .send(new HeadBucketCommand({ Bucket: bucket }))
      .catch(() => s3.send(new CreateBucketCommand({ Bucket: bucket })));
  }
  const put = values["no-upload"]
    ? await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    : await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }),
      );
  const event = {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        eventName: "ObjectCreated:Put",
        s3: {
          bucket: { name: bucket },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+"),
            size,
            ...(put.VersionId ? { versionId: put.VersionId } : {}),
            ...(put.ETag ? { eTag: put.ETag.replace(/"/g, "") } : {}),
          },
        },
      },
    ],
  };
  const timeoutMs = Number(values["timeout-ms"]);
  const started = Date.now();
  const context = {
    functionName: "trackgraph-log-parser-local",
    functionVersion: "$LATEST",
    awsRequestId: `local-${started}`,
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:trackgraph-log-parser-local",
    memoryLimitInMB: "256",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
  } as unknown as Context;
  const result = await createHandler(config)(event, context);
  process.stdout.write(
    `${JSON.stringify({ bucket, key, result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`invoke: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
