import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, parse, parseDocument } from "yaml";
import { type CollectorImage, imageConfigYaml } from "./images.js";

/**
 * The sections of an OpenTelemetry Collector Builder manifest that list components. A config names the
 * first five by component type (`otlp`, `prometheus/self`); providers by the scheme of a `${scheme:...}`
 * reference or of the config's own location.
 */
export type ComponentKind =
  | "receivers"
  | "processors"
  | "exporters"
  | "extensions"
  | "connectors"
  | "providers";

const KINDS: readonly ComponentKind[] = [
  "receivers",
  "processors",
  "exporters",
  "extensions",
  "connectors",
  "providers",
];

const CONTRIB = "github.com/open-telemetry/opentelemetry-collector-contrib";
const CORE = "go.opentelemetry.io/collector";

/**
 * The Go module of each component type our configs may name. A config type is not a module path, so the
 * check of a config against the manifest goes through this table; a component added to the manifest needs
 * its row here (a unit test holds the two together).
 */
export const COMPONENT_MODULES = {
  receivers: {
    otlp: `${CORE}/receiver/otlpreceiver`,
    prometheus: `${CONTRIB}/receiver/prometheusreceiver`,
  },
  processors: {
    batch: `${CORE}/processor/batchprocessor`,
    memory_limiter: `${CORE}/processor/memorylimiterprocessor`,
    resourcedetection: `${CONTRIB}/processor/resourcedetectionprocessor`,
  },
  exporters: {
    awsxray: `${CONTRIB}/exporter/awsxrayexporter`,
    prometheusremotewrite: `${CONTRIB}/exporter/prometheusremotewriteexporter`,
    debug: `${CORE}/exporter/debugexporter`,
  },
  extensions: {
    health_check: `${CONTRIB}/extension/healthcheckextension`,
    sigv4auth: `${CONTRIB}/extension/sigv4authextension`,
    bearertokenauth: `${CONTRIB}/extension/bearertokenauthextension`,
  },
  connectors: {},
  providers: {
    env: `${CORE}/confmap/provider/envprovider`,
    file: `${CORE}/confmap/provider/fileprovider`,
    yaml: `${CORE}/confmap/provider/yamlprovider`,
  },
} as const satisfies Record<ComponentKind, Record<string, string>>;

/** One `gomod:` entry of the manifest. */
export interface ManifestModule {
  kind: ComponentKind;
  path: string;
  /** Without the leading `v`. */
  version: string;
}

/** What the builder reads from ocb/manifest.yaml. */
export interface DistributionManifest {
  /** The binary's name (`dist.name`). */
  name: string;
  /** The collector release the builder and the components are at (`dist.version`). */
  version: string;
  outputPath: string;
  modules: ManifestModule[];
}

/** A component a config names, resolved to its module in the manifest. */
export interface NamedComponent {
  kind: ComponentKind;
  /** The component type (`prometheus` for `prometheus/self`) or the provider's scheme. */
  type: string;
}

export interface ResolvedComponent extends NamedComponent {
  module: ManifestModule;
}

/**
 * A config names a component the distribution does not build: the collector would refuse to start
 * ("unknown type"), which on a deployed image is a crash loop.
 */
export class UnknownComponentError extends Error {
  override readonly name = "UnknownComponentError";

  constructor(
    readonly image: string,
    readonly component: NamedComponent,
    /** The module the type maps to, when the table knows one. */
    readonly module: string | undefined,
  ) {
    super(
      `${image}: ${component.kind} "${component.type}" is not in the distribution (ocb/manifest.yaml): ${
        module === undefined
          ? "no module is known for that type (src/distribution.ts COMPONENT_MODULES)"
          : `${module} is not listed`
      }`,
    );
  }
}

/** The package root: this module runs from src/ (tests) or dist/ (the bundle), both one level below it. */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files of this package that the image contexts are made from. */
export const DISTRIBUTION_FILES = {
  manifest: join(packageRoot, "ocb", "manifest.yaml"),
  dockerfile: join(packageRoot, "images", "Dockerfile"),
  healthcheck: join(packageRoot, "images", "healthcheck", "main.go"),
} as const;

/**
 * Where the builder writes the collector inside the image's build stage. The manifest's own output_path is
 * relative to this repository's layout, which the container does not have; builder 0.141.0 has no flag to
 * override it, so the context gets a copy of the manifest with only this value changed.
 */
export const IMAGE_BUILD_OUTPUT = "/build";

const GOMOD = /^(\S+) v(\d+\.\d+\.\d+\S*)$/;

/** Reads a builder manifest: dist's name, version and output path, and every `gomod:` entry. */
export function parseManifest(text: string): DistributionManifest {
  const doc = parse(text) as Record<string, unknown> | null;
  const dist = doc?.dist as Record<string, unknown> | undefined;
  const field = (key: string): string => {
    const value = dist?.[key];
    if (typeof value !== "string" || value === "") throw new Error(`manifest: dist.${key} is missing`);
    return value;
  };
  const modules: ManifestModule[] = [];
  for (const kind of KINDS) {
    const entries = doc?.[kind];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) throw new Error(`manifest: ${kind} is not a list`);
    for (const entry of entries as Array<{ gomod?: unknown }>) {
      const match = typeof entry?.gomod === "string" ? GOMOD.exec(entry.gomod) : null;
      if (match === null)
        throw new Error(`manifest: ${kind} entry ${JSON.stringify(entry)} is not "gomod: <path> v<version>"`);
      modules.push({ kind, path: match[1] as string, version: match[2] as string });
    }
  }
  return { name: field("name"), version: field("version"), outputPath: field("output_path"), modules };
}

/** The manifest the deployed images and the local plane's binary are built from. */
export function readManifest(): DistributionManifest {
  return parseManifest(readFileSync(DISTRIBUTION_FILES.manifest, "utf8"));
}

/**
 * The image context's copy of the manifest: the same text, with `dist.output_path` pointed at
 * IMAGE_BUILD_OUTPUT. Edited as a YAML document (comments and layout kept), so every component line stays
 * byte for byte what the local build reads.
 */
export function imageManifestYaml(manifestText: string): string {
  const doc = parseDocument(manifestText);
  if (!isMap(doc.get("dist"))) throw new Error("manifest: no dist section");
  doc.setIn(["dist", "output_path"], IMAGE_BUILD_OUTPUT);
  return doc.toString({ lineWidth: 0 });
}

const SCHEME_REF = /\$\{([a-z][a-z0-9+.-]*):/g;

/**
 * Every component a collector config names: the types of its receivers, processors, exporters, extensions
 * and connectors (`prometheus/self` is a `prometheus`), and the providers of the `${scheme:...}` references
 * in its values. `file` is always among them: the images and the local plane load the config from a file.
 */
export function namedComponents(configYaml: string): NamedComponent[] {
  const config = (parse(configYaml) ?? {}) as Record<string, unknown>;
  const named: NamedComponent[] = [];
  const add = (kind: ComponentKind, type: string) => {
    if (!named.some((n) => n.kind === kind && n.type === type)) named.push({ kind, type });
  };
  for (const kind of KINDS) {
    if (kind === "providers") continue;
    const section = config[kind];
    if (section === undefined || section === null) continue;
    if (typeof section !== "object" || Array.isArray(section))
      throw new Error(`config: ${kind} is not a map of component ids`);
    for (const id of Object.keys(section)) add(kind, id.split("/")[0] as string);
  }
  add("providers", "file");
  for (const match of configYaml.matchAll(SCHEME_REF)) add("providers", match[1] as string);
  return named;
}

/**
 * Lists the components a collector config names and checks each against the distribution's manifest.
 * Returns them with the manifest module that provides each; throws UnknownComponentError, naming the image
 * and the component, for the first one the manifest does not build (or that no module is known for).
 */
export function checkComponents(
  image: string,
  configYaml: string,
  manifest: DistributionManifest,
): ResolvedComponent[] {
  return namedComponents(configYaml).map((component) => {
    const table: Record<string, string> = COMPONENT_MODULES[component.kind];
    const path = Object.hasOwn(table, component.type) ? table[component.type] : undefined;
    const module = manifest.modules.find((m) => m.kind === component.kind && m.path === path);
    if (module === undefined) throw new UnknownComponentError(image, component, path);
    return { ...component, module };
  });
}

/**
 * Writes one image's build context into `dir`: the Dockerfile, the baked config, the manifest (output path
 * for the container) and the health check's source. Refuses a config that names a component the
 * distribution does not build, so such an image is never produced.
 */
export function writeImageContext(image: CollectorImage, dir: string): void {
  const manifestText = readFileSync(DISTRIBUTION_FILES.manifest, "utf8");
  const config = imageConfigYaml(image);
  checkComponents(image, config, parseManifest(manifestText));
  mkdirSync(join(dir, "healthcheck"), { recursive: true });
  copyFileSync(DISTRIBUTION_FILES.dockerfile, join(dir, "Dockerfile"));
  writeFileSync(join(dir, "config.yaml"), config);
  writeFileSync(join(dir, "manifest.yaml"), imageManifestYaml(manifestText));
  copyFileSync(DISTRIBUTION_FILES.healthcheck, join(dir, "healthcheck", "main.go"));
}
