import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { Construct } from "constructs";
import { AppRunnerService, type AppRunnerServiceProps } from "./app-runner-service.js";
import type { AwsScope } from "./aws-scope.js";
import type { ContainerImage } from "./container-image.js";
import { EcsExpressService, type EcsExpressServiceProps } from "./ecs-express-service.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { Permissions } from "./grants.js";
import type { PolicyStatement } from "./policy-statements.js";
import type { ServiceRole } from "./service-role.js";
import type { ServiceSecrets } from "./service-secrets.js";

/** Where a web service runs. */
export type Platform = "app-runner" | "ecs-express";

/** What an HTTPS service from one container image is, on either platform. */
export interface WebService {
  /** `https://<host>`. */
  readonly url: string;
  /** The host name alone, for scrape targets. */
  readonly host: string;
  /** The role the code in the container runs as. */
  readonly taskRole: ServiceRole;
  /** The container's log group (ECS Express; App Runner keeps its own logs). */
  readonly logGroup?: CloudwatchLogGroup | undefined;
  /**
   * The log group the container's stdout goes to: ours on ECS Express, App Runner's own
   * (`/aws/apprunner/<service>/<service id>/application`, named after the service exists) on App Runner.
   */
  readonly applicationLogGroupName: string;
}

/** What both platforms take: the same image, environment, secrets, scaling bounds and permissions. */
export interface WebServiceProps {
  /** Service name, also the prefix of its roles. */
  readonly name: string;
  /** The image to run. */
  readonly image: ContainerImage;
  /** CPU units (1024 is one vCPU). */
  readonly cpu: number;
  /** Memory in MiB; a pair with `cpu` that both platforms accept (`config/schema.ts`, `SIZES`). */
  readonly memoryMiB: number;
  /** The port the container listens on. */
  readonly port: number;
  /** Fewest instances (tasks) running. */
  readonly minInstances: number;
  /** Most instances (tasks) running. */
  readonly maxInstances: number;
  /** Concurrent requests per instance before it scales out (ECS Express: requests per target). */
  readonly maxConcurrency: number;
  /** Plain environment variables. */
  readonly environment: Record<string, string>;
  /** Environment variable -> secret ARN. */
  readonly secrets: Record<string, string>;
  /** Where those secrets are: it grants the platform (its execution or instance role) reading them. */
  readonly secretStore: ServiceSecrets;
  /** Sid prefix of that grant's statements (`<prefix>ReadSecrets`, `<prefix>DecryptSecrets`). */
  readonly secretGrantSid: string;
  /** What the code in the container may do (granted to a {@link Permissions} beforehand). */
  readonly statements: PolicyStatement[];
  /** Encrypts the service's configuration and logs. */
  readonly key: EncryptionKey;
  /** The account and partition of the stack. */
  readonly aws: AwsScope;
}

/** A web service on the platform its props name. */
export type WebServiceOn =
  | ({ readonly platform: "app-runner" } & AppRunnerServiceProps)
  | ({ readonly platform: "ecs-express" } & EcsExpressServiceProps);

/**
 * The one place that picks the construct for a platform: App Runner ({@link AppRunnerService}) or ECS
 * Express Mode ({@link EcsExpressService}), each behind the {@link WebService} interface.
 */
export function webService(scope: Construct, id: string, props: WebServiceOn): WebService {
  const { platform, ...rest } = props;
  return platform === "app-runner"
    ? new AppRunnerService(scope, id, rest as AppRunnerServiceProps)
    : new EcsExpressService(scope, id, rest as EcsExpressServiceProps);
}
