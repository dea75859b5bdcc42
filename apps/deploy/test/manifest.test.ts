import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest, ManifestError, parseManifest } from "../src/index.js";
import { manifest } from "./fixtures.js";

const FILE = "cdktf.out/stacks/dev/deploy.json";

/** The one-line error parseManifest throws for `value`. */
function errorOf(value: unknown): string {
  try {
    parseManifest(FILE, JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("parsed without an error");
}

describe("deploy.json", () => {
  it("reads the contract's shape, digest-pinned images and null sections included", () => {
    const m = manifest({
      accountId: null,
      bootstrap: null,
      state: null,
      images: [
        {
          repository: "trackgraph/backend",
          region: "eu-west-1",
          tag: null,
          digest: `sha256:${"a".repeat(64)}`,
          context: "apps/backend-otel/dist-container",
        },
      ],
      platform: "app-runner",
      lambda: { reservedConcurrency: 5 },
      grafana: { authentication: "SAML" },
    });
    expect(parseManifest(FILE, JSON.stringify(m))).toEqual(m);
    expect(parseManifest(FILE, JSON.stringify(manifest()))).toEqual(manifest());
  });

  it("names the file and the key of a missing value", () => {
    const m = manifest();
    const { address: _, ...secret } = m.secrets[0] as NonNullable<(typeof m.secrets)[0]>;
    expect(errorOf({ ...m, secrets: [secret] })).toMatch(
      /^cdktf\.out\/stacks\/dev\/deploy\.json: secrets\.0\.address: missing \(expected string\)$/,
    );
  });

  it("names the key and the value of a wrong one", () => {
    expect(errorOf({ ...manifest(), region: "nowhere" })).toBe(
      `${FILE}: region: got "nowhere", expected an AWS region such as eu-west-1`,
    );
    expect(errorOf({ ...manifest(), version: 2 })).toBe(`${FILE}: version: got 2, expected 1`);
    expect(errorOf({ ...manifest(), platform: "lambda" })).toBe(
      `${FILE}: platform: got "lambda", expected one of "ecs-express"|"app-runner"`,
    );
  });

  it("refuses to push latest", () => {
    const m = manifest();
    const images = [{ ...m.images[0], tag: "latest" }];
    expect(errorOf({ ...m, images })).toBe(
      `${FILE}: images.0.tag: got "latest", expected a tag other than latest (latest is never pushed)`,
    );
  });

  it("counts the other problems after the first", () => {
    expect(errorOf({ ...manifest(), region: 1, stack: 2 })).toMatch(/\(and 1 more\)$/);
  });

  it("ignores keys it does not know: a newer synth may add some", () => {
    const m = manifest();
    const newer = {
      ...m,
      extra: true,
      grafana: { ...m.grafana, workspaceIdOutput: "grafana_workspace_id", tokenSeconds: 900, more: 1 },
    };
    expect(parseManifest(FILE, JSON.stringify(newer))).toEqual({
      ...m,
      grafana: { ...m.grafana, workspaceIdOutput: "grafana_workspace_id", tokenSeconds: 900 },
    });
  });

  it("knows the role name of every service-linked role it is asked for", () => {
    expect(errorOf({ ...manifest(), serviceLinkedRoles: ["application-autoscaling.amazonaws.com"] })).toMatch(
      /: serviceLinkedRoles\.0: got "application-autoscaling\.amazonaws\.com", expected one of ecs\.amazonaws\.com, /,
    );
  });

  it("keeps image contexts inside the repository", () => {
    const m = manifest();
    expect(errorOf({ ...m, images: [{ ...m.images[0], context: "../elsewhere" }] })).toMatch(
      /: images\.0\.context: got "\.\.\/elsewhere", expected a path inside the repository$/,
    );
  });

  it("says when the file is missing or not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "trackgraph-manifest-"));
    expect(() => loadManifest(join(dir, "deploy.json"))).toThrow(/deploy\.json: missing \(synth writes it/);
    writeFileSync(join(dir, "deploy.json"), "{");
    expect(() => loadManifest(join(dir, "deploy.json"))).toThrow(/deploy\.json: not valid JSON/);
  });
});
