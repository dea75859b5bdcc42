import { stringify } from "yaml";
import type { CollectorConfig } from "./common.js";

export type { CollectorConfig, RemoteWriteInput } from "./common.js";
export { type ProxyCollectorInput, proxyCollectorConfig } from "./proxy-config.js";
export { type ScraperCollectorInput, type ScrapeTarget, scraperCollectorConfig } from "./scraper-config.js";

/** YAML as the collector reads it; `${env:X}` references are kept for the collector to expand. */
export function toYaml(config: CollectorConfig): string {
  return stringify(config, { lineWidth: 0 });
}
