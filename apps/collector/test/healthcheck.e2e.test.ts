import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, type PeerProcess, startPeer } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISTRIBUTION_FILES, imageConfigYaml } from "../src/index.js";
import { collectorBinary } from "./collector-build.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "collector-healthcheck-"));
let healthcheck = "";
let collector = "";

function listening<T extends Server | TcpServer>(server: T): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    }),
  );
}

/**
 * True when an ELF executable has no interpreter and no dynamic section: it runs in a distroless/static
 * image, which has no C library. Reads the program headers of a 64-bit little-endian ELF.
 */
function isStaticElf(path: string): boolean {
  const elf = readFileSync(path);
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1)
    throw new Error(`${path} is not a 64-bit little-endian ELF file`);
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  const PT_DYNAMIC = 2;
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) {
    const type = elf.readUInt32LE(phoff + i * phentsize);
    if (type === PT_DYNAMIC || type === PT_INTERP) return false;
  }
  return true;
}

/** Runs the health check with HEALTH_PORT; its exit code, what it wrote, and how long it took. */
async function check(port: string): Promise<{ code: number; stderr: string; ms: number }> {
  const started = Date.now();
  try {
    await run(healthcheck, [], { env: { HEALTH_PORT: port }, timeout: 15_000 });
    return { code: 0, stderr: "", ms: Date.now() - started };
  } catch (error) {
    const e = error as { code?: unknown; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : -1,
      stderr: e.stderr ?? "",
      ms: Date.now() - started,
    };
  }
}

beforeAll(async () => {
  // The image's build stage compiles the same file the same way (images/Dockerfile).
  healthcheck = join(work, "healthcheck");
  await run(
    "go",
    ["build", "-trimpath", "-ldflags=-s -w", "-o", healthcheck, DISTRIBUTION_FILES.healthcheck],
    {
      cwd: work,
      env: { ...process.env, CGO_ENABLED: "0" },
      timeout: 300_000,
    },
  );
  collector = await collectorBinary();
});

describe("the images' /healthcheck program", () => {
  it("is a static binary, as is the collector (the runtime image has no C library)", () => {
    expect(isStaticElf(healthcheck)).toBe(true);
    expect(isStaticElf(collector)).toBe(true);
    expect(isStaticElf(process.execPath), "a dynamically linked program is told apart").toBe(false);
  });

  describe("against the proxy's baked config running in our collector build", () => {
    let peer: PeerProcess | undefined;
    let healthPort = 0;
    let otlpPort = 0;

    beforeAll(async () => {
      const [telemetry, nothing] = [await freePort(), await freePort()];
      healthPort = await freePort();
      otlpPort = await freePort();
      const config = join(work, "proxy.yaml");
      writeFileSync(config, imageConfigYaml("proxy"));
      peer = await startPeer({
        name: "collector",
        command: collector,
        args: [`--config=file:${config}`],
        env: {
          PATH: process.env.PATH ?? "",
          HOME: work,
          // Static credentials and no instance metadata: the collector talks to nothing but this machine.
          AWS_EC2_METADATA_DISABLED: "true",
          AWS_ACCESS_KEY_ID: "healthcheck-only",
          AWS_SECRET_ACCESS_KEY: "healthcheck-only",
          AWS_REGION: "eu-west-1",
          TELEMETRY_REGION: "eu-west-1",
          COLLECTOR_TOKEN: "healthcheck-only-token",
          // Its exporters point at a closed loopback port: its own metrics fail to send, and stay here.
          AMP_REMOTE_WRITE_URL: `http://127.0.0.1:${nothing}/api/v1/remote_write`,
          XRAY_ENDPOINT: `http://127.0.0.1:${nothing}`,
          SCRAPE_INTERVAL: "60s",
          COLLECTOR_BIND_HOST: "127.0.0.1",
          OTLP_PORT: String(otlpPort),
          HEALTH_PORT: String(healthPort),
          TELEMETRY_PORT: String(telemetry),
        },
        ready: () =>
          fetch(`http://127.0.0.1:${healthPort}/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok),
      });
    });

    afterAll(async () => {
      await peer?.stop();
    });

    it("exits 0 while the collector's health_check extension answers", async () => {
      const result = await check(String(healthPort));
      expect(result, peer?.output()).toMatchObject({ code: 0 });
    });

    it("exits 1 on the collector's OTLP port, which refuses requests without the token", async () => {
      const result = await check(String(otlpPort));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("answered 401 Unauthorized");
    });
  });

  it("exits 1 when nothing listens on the health port", async () => {
    const result = await check(String(await freePort()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^healthcheck: .*connection refused/);
  });

  it("exits 1 when the port answers anything but 200", async () => {
    const server = createHttpServer((_, response) => response.writeHead(503).end("starting"));
    const port = await listening(server);
    try {
      const result = await check(String(port));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("answered 503 Service Unavailable");
    } finally {
      server.close();
    }
  });

  it("gives up after its 2 s timeout when the port never answers", async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => sockets.push(socket));
    const port = await listening(server);
    try {
      const result = await check(String(port));
      expect(result.code).toBe(1);
      // Its own timeout, not the test's 15 s kill (code -1 above), ended it; a loaded machine may start
      // the process late, so no upper bound on the wall time.
      expect(result.stderr).toContain("Client.Timeout exceeded");
      expect(result.ms).toBeGreaterThanOrEqual(1_900);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it("exits 1 when HEALTH_PORT is not a port", async () => {
    const result = await check("13133x");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HEALTH_PORT "13133x" is not a TCP port');
  });
});
