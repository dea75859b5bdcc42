// Packs dist/lambda/index.mjs into dist/log-parser.zip deterministically: fixed entry order, timestamp and
// mode, so the same bundle always gives the same bytes and hash (and Terraform sees no change).
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { finished } from "node:stream/promises";
import yazl from "yazl";

const FILES = ["index.mjs"];
// DOS timestamps are in local time: building the date from local fields gives the same bytes in any zone.
const EPOCH = new Date(1980, 0, 1, 0, 0, 0);
const zip = new yazl.ZipFile();
for (const name of FILES) {
  zip.addBuffer(readFileSync(`dist/lambda/${name}`), name, { mtime: EPOCH, mode: 0o100644, compress: true });
}
zip.end();
const out = createWriteStream("dist/log-parser.zip");
zip.outputStream.pipe(out);
await finished(out);
const sha256 = createHash("sha256").update(readFileSync("dist/log-parser.zip")).digest("hex");
writeFileSync("dist/log-parser.zip.sha256", `${sha256}  log-parser.zip\n`);
console.log(`dist/log-parser.zip sha256 ${sha256}`);
