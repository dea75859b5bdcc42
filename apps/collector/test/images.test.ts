import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  COLLECTOR_ENV,
  DISTRIBUTION_FILES,
  IMAGE_BUILD_OUTPUT,
  imageConfigYaml,
  parseManifest,
  readManifest,
  writeImageContext,
} from "../src/index.js";

const dockerfile = readFileSync(DISTRIBUTION_FILES.dockerfile, "utf8");
const manifestText = readFileSync(DISTRIBUTION_FILES.manifest, "utf8");
const manifest = readManifest();

/** The default of a Dockerfile ARG, or undefined when the Dockerfile declares no such ARG. */
function argDefault(text: string, name: string): string | undefined {
  return new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(text)?.[1];
}

/** A Dockerfile (or shell) variable reference, `${name}`. */
const ref = (name: string) => `$\{${name}}`;

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path).map((f) => join(name, f)) : [name];
    })
    .sort();
}

/** Files of an image context that would bring the public ADOT collector back into the deployed path. */
function adotReferences(dir: string): string[] {
  return filesUnder(dir).filter((file) => /aws-otel-collector/i.test(readFileSync(join(dir, file), "utf8")));
}

describe("collector image configs", () => {
  it.each(["proxy", "scraper"] as const)(
    "the %s config takes every endpoint and secret from the environment",
    (image) => {
      const yaml = imageConfigYaml(image);
      expect(yaml).not.toMatch(/amazonaws\.com|aps-workspaces|ws-[0-9a-f]/);
      expect(yaml).toContain(`{env:${COLLECTOR_ENV.region}}`);
      expect(yaml).toContain(`{env:${COLLECTOR_ENV.remoteWriteUrl}}`);
      const secret = image === "proxy" ? COLLECTOR_ENV.proxyToken : COLLECTOR_ENV.backendToken;
      expect(yaml).toContain(`{env:${secret}}`);
    },
  );
});

describe("the image's Dockerfile builds our distribution from the manifest", () => {
  it("installs the builder at the manifest's version", () => {
    expect(argDefault(dockerfile, "OCB_VERSION")).toBe(manifest.version);
    expect(dockerfile).toContain(
      `go install "go.opentelemetry.io/collector/cmd/builder@v${ref("OCB_VERSION")}"`,
    );
  });

  it("a manifest bumped without the builder ARG is caught", () => {
    const bumped = parseManifest(manifestText.replaceAll(manifest.version, "0.999.0"));
    expect(bumped.version).toBe("0.999.0");
    expect(argDefault(dockerfile, "OCB_VERSION")).not.toBe(bumped.version);
  });

  it("builds in a pinned Go image new enough for the builder and its components", () => {
    const goImage = argDefault(dockerfile, "GO_IMAGE") ?? "";
    const [, major, minor] = /^golang:(\d+)\.(\d+)\.\d+-bookworm$/.exec(goImage) ?? [];
    expect(goImage, "a patch release, not a floating tag").toMatch(/^golang:\d+\.\d+\.\d+-bookworm$/);
    // The builder's generated go.mod and every component at 0.141.0 declare `go 1.24.0`.
    expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(1024);
  });

  it("compiles static binaries and keeps Go's checksum database on", () => {
    expect(dockerfile).toMatch(/^ENV .*\bCGO_ENABLED=0\b/m);
    expect(dockerfile).not.toMatch(/GOSUMDB=off|GONOSUMDB|GONOSUMCHECK|GOFLAGS=.*-insecure/);
    expect(dockerfile).toContain("RUN builder --config manifest.yaml");
    expect(dockerfile).toContain("COPY manifest.yaml ./");
    expect(dockerfile).toMatch(/go build .*-o \/out\/healthcheck \.\/healthcheck\/main\.go/);
  });

  it("runs the collector the builder wrote, as the distroless non-root user", () => {
    expect(argDefault(dockerfile, "RUNTIME_IMAGE")).toBe("gcr.io/distroless/static-debian12:nonroot");
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual([ref("GO_IMAGE"), ref("RUNTIME_IMAGE")]);
    const runtime = dockerfile.slice(dockerfile.indexOf(`FROM ${ref("RUNTIME_IMAGE")}`));
    expect(runtime).toContain(`COPY --from=build ${IMAGE_BUILD_OUTPUT}/${manifest.name} /${manifest.name}`);
    expect(runtime).toContain("COPY --from=build /out/healthcheck /healthcheck");
    expect(runtime).toContain("COPY config.yaml /etc/trackgraph/collector.yaml");
    expect(runtime).toMatch(/^USER 65532:65532$/m);
    expect(runtime).toContain(`ENTRYPOINT ["/${manifest.name}"]`);
    expect(runtime).toContain('CMD ["--config=/etc/trackgraph/collector.yaml"]');
    expect(runtime).toMatch(/^EXPOSE 4318 13133$/m);
    // infra's ECS task definitions run the same command as their container health check.
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["\/healthcheck"\]$/m);
  });
});

describe("the image contexts", () => {
  const out = mkdtempSync(join(tmpdir(), "collector-contexts-"));
  for (const image of ["proxy", "scraper"] as const) writeImageContext(image, join(out, image));

  it.each(["proxy", "scraper"] as const)("the %s context holds what its image is built from", (image) => {
    const dir = join(out, image);
    expect(filesUnder(dir)).toEqual(["Dockerfile", "config.yaml", "healthcheck/main.go", "manifest.yaml"]);
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toBe(dockerfile);
    expect(readFileSync(join(dir, "config.yaml"), "utf8")).toBe(imageConfigYaml(image));
    expect(readFileSync(join(dir, "healthcheck", "main.go"), "utf8")).toBe(
      readFileSync(DISTRIBUTION_FILES.healthcheck, "utf8"),
    );
  });

  it("the context's manifest differs from ocb/manifest.yaml in dist.output_path alone", () => {
    const copy = readFileSync(join(out, "proxy", "manifest.yaml"), "utf8");
    expect(parseManifest(copy).outputPath).toBe(IMAGE_BUILD_OUTPUT);
    expect(copy).toBe(manifestText.replace(/^ {2}output_path: .*$/m, `  output_path: ${IMAGE_BUILD_OUTPUT}`));
    expect(copy).not.toBe(manifestText);
  });

  it("nothing in the images or their contexts names the ADOT collector image", () => {
    const images = join(DISTRIBUTION_FILES.dockerfile, "..");
    expect(adotReferences(images)).toEqual([]);
    expect(adotReferences(out)).toEqual([]);
  });

  it("a context drifting back to ADOT is caught", () => {
    const planted = mkdtempSync(join(tmpdir(), "collector-adot-"));
    writeImageContext("proxy", planted);
    writeFileSync(
      join(planted, "Dockerfile"),
      dockerfile.replace(/^ARG RUNTIME_IMAGE=.*$/m, "ARG RUNTIME_IMAGE=amazon/aws-otel-collector:v0.46.0"),
    );
    expect(adotReferences(planted)).toEqual(["Dockerfile"]);
  });
});
