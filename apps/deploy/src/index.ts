export type { Account, Availability, GrafanaTokenRequest, ImageRef, LogGroup } from "./account.js";
export { imageName } from "./account.js";
export {
  type DeployOptions,
  DeployStop,
  deploy,
  generateSecretValue,
  Interrupted,
  PreflightFailed,
  preflight,
  synthCommands,
} from "./deploy.js";
export {
  type DeployManifest,
  deployManifestSchema,
  loadManifest,
  ManifestError,
  type ManifestImage,
  type ManifestSecret,
  parseManifest,
} from "./manifest.js";
export {
  bootstrapGaps,
  type Check,
  formatPreflight,
  LAMBDA_UNRESERVED_MINIMUM,
  type PreflightReport,
  type PreflightSubject,
  putSecretCommand,
  runPreflight,
  type Status,
} from "./preflight.js";
export { CommandFailed, CommandNotFound, commandLine, ProcessRunner, type RunOptions } from "./process.js";
export { type ClientSettings, sdkAccount } from "./sdk-account.js";
export { SERVICE_LINKED_ROLES, serviceLinkedRoleName } from "./service-linked-roles.js";
export { configuredStacks, Layout, resolveStack, type StackTarget, UnknownStack } from "./stacks.js";
export { findDocker, findTerraform, MIN_TERRAFORM, terraformProgram, versionAtLeast } from "./tools.js";
