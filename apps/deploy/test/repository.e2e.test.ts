import { execFile } from "node:child_process";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../src/index.js";
import { fakeBin, readLog } from "./fixtures.js";

const root = join(import.meta.dirname, "../../..");
const cli = join(import.meta.dirname, "../dist/cli.js");

describe("this repository's own stacks", () => {
  it("a dry run of dev synthesizes with the real synth and plans from the deploy.json apps/infra writes", async () => {
    const bin = fakeBin(["terraform", "tofu", "docker"]);
    const log = join(bin, "calls.log");
    // Fake terraform and docker first on PATH (they must not run at all); the real pnpm and node after them.
    const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, FAKE_LOG: log };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, "deploy", "--stack", "dev", "--dry-run"],
      {
        env,
        cwd: root,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(readLog(log)).toEqual([]);
    expect(stdout).toContain("$ TRACKGRAPH_STACK=dev pnpm --silent --filter @trackgraph/infra run synth");
    const m = loadManifest(join(root, "cdktf.out/stacks/dev/deploy.json"));
    expect(m.stack).toBe("dev");
    for (const secret of m.secrets) expect(stdout).toContain(`-target=${secret.address}`);
    for (const image of m.images.filter((i) => i.tag !== null))
      expect(stdout).toContain(
        `docker build --platform linux/amd64 -t ACCOUNT.dkr.ecr.${image.region}.amazonaws.com/${image.repository}:${image.tag} ${image.context}`,
      );
    expect(stdout).toMatch(/^9\. Log retention of the groups App Runner makes/m);
    expect(stdout).toContain("   none: no App Runner service");
    expect(stdout).toMatch(/^10\. Apply dev-dashboards/m);
    expect(stdout).toMatch(/^deploy dev: dry run done$/m);
  });
});
