export type { CollectorConfig, EnvRef, RemoteWriteInput, Setting } from "./common.js";
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
