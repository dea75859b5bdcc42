import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/load.js";
import { contextTag, resolveImages } from "../src/stacks/images.js";

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "image-context-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("contextTag", () => {
  it("is the same for the same files wherever they are, and differs when a byte or a name differs", () => {
    const a = contextTag(context({ Dockerfile: "FROM x", "app/index.js": "1" }));
    expect(contextTag(context({ Dockerfile: "FROM x", "app/index.js": "1" }))).toBe(a);
    expect(contextTag(context({ Dockerfile: "FROM x", "app/index.js": "2" }))).not.toBe(a);
    expect(contextTag(context({ Dockerfile: "FROM x", "app/main.js": "1" }))).not.toBe(a);
    expect(a).toMatch(/^src-[0-9a-f]{20}$/);
  });

  it("hashes a link as a link, so pnpm's cyclic node_modules links terminate", () => {
    const dir = context({ "app/node_modules/.keep": "" });
    symlinkSync("..", join(dir, "app", "node_modules", "loop"));
    const tag = contextTag(dir);
    const other = context({ "app/node_modules/.keep": "" });
    symlinkSync("../..", join(other, "app", "node_modules", "loop"));
    expect(contextTag(other)).not.toBe(tag);
  });
});

describe("resolveImages", () => {
  const tags = { backend: "src-b", proxy: "src-p", scraper: "src-s" };

  it("uses the bootstrap stack's repository names and the context tags by default", () => {
    const images = resolveImages(parseStackConfig("dev.json", '{"trackgraph":{}}'), tags);
    expect(images).toEqual({
      backend: { repository: "trackgraph/backend", tag: "src-b" },
      proxy: { repository: "trackgraph/collector-proxy", tag: "src-p" },
      scraper: { repository: "trackgraph/collector-scraper", tag: "src-s" },
    });
  });

  it("keeps a configured tag or digest", () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const config = parseStackConfig(
      "dev.json",
      JSON.stringify({ trackgraph: { project: "acme", backend: { image: { repository: "api", digest } } } }),
    );
    expect(resolveImages(config, tags).backend).toEqual({ repository: "acme/api", digest });
  });

  it("refuses latest: the repositories are IMMUTABLE", () => {
    expect(() =>
      parseStackConfig(
        "dev.json",
        '{"trackgraph":{"backend":{"image":{"repository":"backend","tag":"latest"}}}}',
      ),
    ).toThrow(/backend\.image\.tag.*other than latest/);
  });
});
