export { ConfigurationError, resolveTelemetryConfig, type TelemetryConfig } from "./config.js";
