export type { CollectorConfig, EnvRef, RemoteWriteInput, Setting } from "./common.js";
export {
  COMPONENT_MODULES,
  type ComponentKind,
  checkComponents,
  DISTRIBUTION_FILES,
  type DistributionManifest,
  IMAGE_BUILD_OUTPUT,
  imageManifestYaml,
  type ManifestModule,
  type NamedComponent,
  namedComponents,
  parseManifest,
  type ResolvedComponent,
  readManifest,
  UnknownComponentError,
  writeImageContext,
} from "./distribution.js";
export {
  COLLECTOR_ENV,
  COLLECTOR_MEMORY_MIB,
  type CollectorImage,
  imageConfigYaml,
  proxyImageConfig,
  scraperImageConfig,
} from "./images.js";
export { type ProxyCollectorInput, proxyCollectorConfig } from "./proxy-config.js";
export { type ScraperCollectorInput, type ScrapeTarget, scraperCollectorConfig } from "./scraper-config.js";
export { toYaml } from "./yaml.js";
