import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export type LogInput = Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = "PAR1";
/** Output chunk of the inflater: large chunks mean fewer hand-offs between zlib's thread and ours. */
const INFLATE_CHUNK_BYTES = 1024 * 1024;

export interface DecompressedInput {
  chunks: AsyncIterable<Buffer>;
  gzip: boolean;
  parquet: boolean;
}

async function* remaining(first: Buffer, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); next.done !== true; next = await rest.next())
    yield Buffer.from(next.value);
}

function iteratorOf(input: LogInput): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in input) return input[Symbol.asyncIterator]();
  return Readable.from(input)[Symbol.asyncIterator]();
}

/**
 * Looks at the first bytes, then yields the decompressed stream: gzip (one member or several
 * concatenated) is inflated on zlib's thread pool, anything else passes through.
 */
export async function openInput(input: LogInput): Promise<DecompressedInput> {
  const iterator = iteratorOf(input);
  let head = Buffer.alloc(0);
  while (head.length < 4) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const parquet = head.subarray(0, 4).toString("latin1") === PARQUET_MAGIC;
  const source = remaining(head, iterator);
  if (!gzip) return { chunks: source, gzip, parquet };
  const inflater = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
  const compressed = Readable.from(source, { objectMode: false });
  compressed.on("error", (error) => inflater.destroy(error));
  compressed.pipe(inflater);
  return { chunks: inflater, gzip, parquet };
}

/** zlib's codes for a gzip stream that ends early or is not valid deflate data. */
export function isDecompressionError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR" || code === "ERR_ZLIB_INITIALIZATION_FAILED";
}
