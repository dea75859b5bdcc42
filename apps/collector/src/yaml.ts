import { stringify } from "yaml";
import type { CollectorConfig } from "./common.js";

/** YAML as the collector reads it; `${env:X}` references are kept for the collector to expand. */
export function toYaml(config: CollectorConfig): string {
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
