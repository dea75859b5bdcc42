import { execFile, spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@trackgraph/test-peers";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("the image's build context", () => {
  it("holds a Dockerfile and an app that starts on its own, as the image's entrypoint starts it", async () => {
    await promisify(execFile)(process.execPath, ["scripts/prepare-container.mjs"], { cwd: root });
    const context = join(root, "dist-container");
    const dockerfile = readFileSync(join(context, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^USER nonroot$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain(
      'ENTRYPOINT ["/nodejs/bin/node", "--import", "@trackgraph/otel-bootstrap/register", "dist/server.js"]',
    );
    // Only what runs: no sources, tests or dev dependencies in the context.
    expect(existsSync(join(context, "app", "src"))).toBe(false);
    expect(existsSync(join(context, "app", "node_modules", "vitest"))).toBe(false);

    const port = await freePort();
    const server = spawn(
      process.execPath,
      ["--import", "@trackgraph/otel-bootstrap/register", "dist/server.js"],
      {
        cwd: join(context, "app"),
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          METRICS_TOKEN: "context-check-token-0123456789",
          DATA_SOURCE: "local",
          DATA_DIR: "fixtures/history",
          OTEL_SERVICE_NAME: "trackgraph-backend",
          TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      await new Promise<void>((resolve) =>
        server.stdout?.on("data", (c: Buffer) => String(c).includes("listening") && resolve()),
      );
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const summary = (await (await fetch(`http://127.0.0.1:${port}/summary?limit=1`)).json()) as {
        plays: number;
      };
      expect(summary.plays).toBeGreaterThan(0);
    } finally {
      server.kill("SIGTERM");
    }
  });

  it("is the same bytes on every build, with no path of the machine that built it", async () => {
    const build = async () => {
      await promisify(execFile)(process.execPath, ["scripts/prepare-container.mjs"], { cwd: root });
      return tree(join(root, "dist-container"));
    };
    const first = await build();
    const second = await build();
    expect([...second.keys()]).toEqual([...first.keys()]);
    const changed = [...first].filter(([path, bytes]) => second.get(path) !== bytes).map(([path]) => path);
    expect(changed).toEqual([]);
    // The repository's path, or pnpm's store (where .modules.yaml pointed), in any file.
    const machine = [...first]
      .filter(([, text]) => text.includes(join(root, "..", "..")) || text.includes("pnpm/store/v"))
      .map(([path]) => path);
    expect(machine).toEqual([]);
  });
});

/** Every file of a folder (links as their target), by relative path, in order. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const entry = lstatSync(path);
      if (entry.isSymbolicLink()) out.set(relative(dir, path), `link:${readlinkSync(path)}`);
      else if (entry.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, "latin1"));
    }
  };
  walk(dir);
  return out;
}
