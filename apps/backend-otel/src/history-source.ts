import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type Play, parseHistory } from "./history.js";

/** Where a listener's export lives: the Spotify data bucket, or a folder for local development. */
export interface HistorySource {
  describe(): string;
  load(): Promise<Play[]>;
}

const EXPORT_FILE = /(StreamingHistory|Streaming_History_Audio)[^/]*\.json$/;

function merge(files: Play[][]): Play[] {
  return files.flat().sort((a, b) => a.endTime.getTime() - b.endTime.getTime());
}

export class S3HistorySource implements HistorySource {
  constructor(
    private readonly s3: Pick<S3Client, "send">,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  describe(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  async load(): Promise<Play[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key && EXPORT_FILE.test(object.Key)) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const files = await Promise.all(
      keys.sort().map(async (key) => {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return parseHistory(JSON.parse((await object.Body?.transformToString("utf8")) ?? "[]"), key);
      }),
    );
    return merge(files);
  }
}

export class LocalHistorySource implements HistorySource {
  constructor(private readonly dir: string) {}

  describe(): string {
    return this.dir;
  }

  async load(): Promise<Play[]> {
    const names = (await readdir(this.dir)).filter((name) => EXPORT_FILE.test(name)).sort();
    const files = await Promise.all(
      names.map(async (name) => parseHistory(JSON.parse(await readFile(join(this.dir, name), "utf8")), name)),
    );
    return merge(files);
  }
}
