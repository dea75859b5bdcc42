import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const zipHash = () =>
  createHash("sha256")
    .update(readFileSync(join(root, "dist", "log-parser.zip")))
    .digest("hex");

async function cleanBuild(): Promise<string> {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await run("pnpm", ["run", "build"], { cwd: root });
  return zipHash();
}

describe("the Lambda zip", () => {
  it("is byte-identical across two clean builds", async () => {
    const first = await cleanBuild();
    const second = await cleanBuild();
    expect(second).toBe(first);
    expect(readFileSync(join(root, "dist", "log-parser.zip.sha256"), "utf8")).toBe(
      `${first}  log-parser.zip\n`,
    );
  });
});
