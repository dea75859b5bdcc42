import { access, constants, stat } from "node:fs/promises";

/** Exit code 1: bad usage, or a file could not be read (missing, unreadable, truncated or corrupt gzip). */
export const EXIT_UNREADABLE = 1;
/** Exit code 2: a file was read but no line of it parsed (every data line malformed, or none at all). */
export const EXIT_NOTHING_PARSED = 2;

/** An error whose message is the whole story: printed as one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_UNREADABLE,
  ) {
    super(message);
  }
}

/** Throws a {@link CliError} naming the path when it is not a readable regular file. */
export async function assertReadableFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
    await access(path, constants.R_OK);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(error)})`}`,
    );
  }
}

/** The error for a file of which no line parsed: totals of zero would read as a quiet hour. */
export function nothingParsedError(
  path: string,
  summary: {
    malformed: number;
    malformedLines: ReadonlyArray<{ lineNumber: number; code: string; reason: string }>;
  },
): CliError {
  const first = summary.malformedLines[0];
  return new CliError(
    summary.malformed === 0
      ? `${path}: no line parsed; the file holds no data lines`
      : `${path}: no line parsed; all ${summary.malformed} data lines are malformed` +
          (first === undefined ? "" : ` (line ${first.lineNumber}: ${first.code}: ${first.reason})`),
    EXIT_NOTHING_PARSED,
  );
}
