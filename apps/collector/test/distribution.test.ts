import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  COMPONENT_MODULES,
  type ComponentKind,
  checkComponents,
  DISTRIBUTION_FILES,
  IMAGE_BUILD_OUTPUT,
  imageConfigYaml,
  imageManifestYaml,
  namedComponents,
  parseManifest,
  proxyCollectorConfig,
  readManifest,
  toYaml,
  UnknownComponentError,
} from "../src/index.js";

const manifestText = readFileSync(DISTRIBUTION_FILES.manifest, "utf8");
const manifest = readManifest();

/** The manifest with one component's line taken out. */
function without(module: string): string {
  const lines = manifestText.split("\n");
  const kept = lines.filter((line) => !line.includes(`gomod: ${module} `));
  expect(kept.length, `${module} is in the manifest`).toBe(lines.length - 1);
  return kept.join("\n");
}

/** A confmap reference, `${scheme:value}`, as a config holds it. */
const ref = (scheme: string, value: string) => `$\{${scheme}:${value}}`;

function caught(run: () => unknown): UnknownComponentError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnknownComponentError) return error;
    throw error;
  }
  throw new Error("no UnknownComponentError");
}

describe("the baked image configs run in the distribution the manifest builds", () => {
  it("the proxy's components, bearer-token auth among them, are all in the manifest", () => {
    const resolved = checkComponents("proxy", imageConfigYaml("proxy"), manifest);
    expect(resolved.map((c) => `${c.kind}/${c.type}`).sort()).toEqual([
      "exporters/awsxray",
      "exporters/prometheusremotewrite",
      "extensions/bearertokenauth",
      "extensions/health_check",
      "extensions/sigv4auth",
      "processors/batch",
      "processors/memory_limiter",
      "processors/resourcedetection",
      "providers/env",
      "providers/file",
      "receivers/otlp",
      "receivers/prometheus",
    ]);
    const bearer = resolved.find((c) => c.type === "bearertokenauth");
    expect(bearer?.module.path).toBe(COMPONENT_MODULES.extensions.bearertokenauth);
  });

  it("the scraper's components are all in the manifest", () => {
    const resolved = checkComponents("scraper", imageConfigYaml("scraper"), manifest);
    expect(resolved.map((c) => c.type).sort()).toEqual([
      "batch",
      "env",
      "file",
      "health_check",
      "memory_limiter",
      "prometheus",
      "prometheusremotewrite",
      "sigv4auth",
    ]);
  });

  it("a distribution without bearertokenauth (ADOT's case) fails the proxy, naming image and component", () => {
    const adotLike = parseManifest(without(COMPONENT_MODULES.extensions.bearertokenauth));
    const error = caught(() => checkComponents("proxy", imageConfigYaml("proxy"), adotLike));
    expect(error.image).toBe("proxy");
    expect(error.component).toEqual({ kind: "extensions", type: "bearertokenauth" });
    expect(error.message).toMatch(/^proxy: extensions "bearertokenauth" is not in the distribution/);
    expect(error.message).toContain(COMPONENT_MODULES.extensions.bearertokenauth);
    // The scraper authenticates nobody, so it still runs there.
    expect(() => checkComponents("scraper", imageConfigYaml("scraper"), adotLike)).not.toThrow();
  });

  it("a config naming a component no module is known for fails", () => {
    const config = proxyCollectorConfig({
      region: "eu-west-1",
      remoteWriteUrl: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
      tokenEnvVar: "COLLECTOR_TOKEN",
      memoryLimitMiB: 512,
      queueSize: 100,
    }) as { exporters: Record<string, unknown> };
    config.exporters["otlphttp/vendor"] = { endpoint: "https://example.invalid" };
    const error = caught(() => checkComponents("planted", toYaml(config), manifest));
    expect(error.image).toBe("planted");
    expect(error.component).toEqual({ kind: "exporters", type: "otlphttp" });
    expect(error.module).toBeUndefined();
  });

  it("a provider scheme the manifest does not build fails", () => {
    const error = caught(() =>
      checkComponents(
        "planted",
        `exporters:\n  debug:\n    verbosity: ${ref("http", "example.invalid")}\n`,
        manifest,
      ),
    );
    expect(error.component).toEqual({ kind: "providers", type: "http" });
  });
});

describe("namedComponents", () => {
  it("reads types from component ids, and providers from scheme references and the config file", () => {
    const yaml = [
      "receivers:",
      "  prometheus/self: {}",
      "  prometheus: {}",
      "exporters:",
      `  debug: {verbosity: '${ref("env", "LEVEL")}'}`,
      "processors:",
      `  batch: {timeout: '${ref("yaml", "5s")}'}`,
    ].join("\n");
    expect(namedComponents(yaml)).toEqual([
      { kind: "receivers", type: "prometheus" },
      { kind: "processors", type: "batch" },
      { kind: "exporters", type: "debug" },
      { kind: "providers", type: "file" },
      { kind: "providers", type: "env" },
      { kind: "providers", type: "yaml" },
    ]);
  });
});

describe("the manifest", () => {
  const kinds = Object.keys(COMPONENT_MODULES) as ComponentKind[];

  it("lists exactly the modules of the component table, each once", () => {
    const listed = manifest.modules.map((m) => `${m.kind} ${m.path}`).sort();
    const table = kinds.flatMap((kind) =>
      Object.values(COMPONENT_MODULES[kind] as Record<string, string>).map((path) => `${kind} ${path}`),
    );
    expect(listed).toEqual(table.sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("holds every collector module at dist.version, and the stable modules at its paired 1.x release", () => {
    expect(manifest.version).toMatch(/^0\.\d+\.\d+$/);
    const [, minor, patch] = manifest.version.split(".").map(Number) as [number, number, number];
    const unstable = manifest.modules.filter((m) => m.version.startsWith("0."));
    const stable = manifest.modules.filter((m) => !m.version.startsWith("0."));
    expect(unstable.length).toBeGreaterThan(0);
    for (const m of unstable) expect(m.version, m.path).toBe(manifest.version);
    // Upstream releases its 1.x modules (confmap providers) with each 0.x release; since 1.0 the pair has
    // been 0.(n+94) with 1.n (0.141.0 with 1.47.0). A release that breaks the pattern fails here: check
    // its release notes and update this rule.
    for (const m of stable) expect(m.version, m.path).toBe(`1.${minor - 94}.${patch}`);
  });

  it("a component left at another version is caught", () => {
    const mixed = parseManifest(
      manifestText.replace(
        `${COMPONENT_MODULES.exporters.awsxray} v${manifest.version}`,
        `${COMPONENT_MODULES.exporters.awsxray} v0.139.0`,
      ),
    );
    expect(mixed.modules.filter((m) => m.version !== manifest.version && m.version.startsWith("0."))).toEqual(
      [{ kind: "exporters", path: COMPONENT_MODULES.exporters.awsxray, version: "0.139.0" }],
    );
  });

  it("refuses a gomod entry that is not `<path> v<version>`", () => {
    expect(() => parseManifest(`${manifestText}\nconnectors:\n  - gomod: example.com/x\n`)).toThrow(
      /connectors entry .* is not "gomod: <path> v<version>"/,
    );
  });

  it("the image's copy changes only dist.output_path, keeping every component line", () => {
    const copy = imageManifestYaml(manifestText);
    expect(parseManifest(copy)).toEqual({ ...manifest, outputPath: IMAGE_BUILD_OUTPUT });
    const componentLines = (text: string) => text.split("\n").filter((line) => line.includes("gomod:"));
    expect(componentLines(copy)).toEqual(componentLines(manifestText));
  });
});
