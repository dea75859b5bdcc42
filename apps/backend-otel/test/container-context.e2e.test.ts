import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
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

    const port = 18900 + Math.floor(Math.random() * 90);
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
});
