import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js";
import { ApprunnerObservabilityConfiguration } from "@cdktf/provider-aws/lib/apprunner-observability-configuration/index.js";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import { Construct } from "constructs";
import { limitName } from "./naming.js";
import { ServiceRole } from "./service-role.js";
import type { WebService, WebServiceProps } from "./web-service.js";

/** An App Runner service: {@link WebServiceProps} and its health check. */
export interface AppRunnerServiceProps extends WebServiceProps {
  /**
   * An HTTP path that answers 200 without credentials.
   * @default a TCP check of the port
   */
  readonly healthCheckPath?: string | undefined;
}

/** App Runner limits several names to 32 characters. */
const short = (name: string) => limitName(name, 32);

/**
 * One HTTPS service on App Runner: an instance role (the code's permissions and its secrets), an access
 * role that can only pull the image, auto-scaling on concurrency, X-Ray tracing and KMS encryption.
 */
export class AppRunnerService extends Construct implements WebService {
  readonly url: string;
  readonly host: string;
  readonly taskRole: ServiceRole;
  /** The service's name: App Runner makes its log groups under `/aws/apprunner/<serviceName>/`. */
  readonly serviceName: string;
  readonly applicationLogGroupName: string;

  constructor(scope: Construct, id: string, props: AppRunnerServiceProps) {
    super(scope, id);
    this.taskRole = new ServiceRole(this, "instance-role", {
      name: `${props.name}-instance`,
      service: "tasks.apprunner.amazonaws.com",
      statements: props.statements,
    });
    props.secretStore.grantRead(this.taskRole, props.secretGrantSid, Object.values(props.secrets));
    const access = new ServiceRole(this, "access-role", {
      name: `${props.name}-access`,
      service: "build.apprunner.amazonaws.com",
    });
    props.image.grantPull(access, "Access");
    const scaling = new ApprunnerAutoScalingConfigurationVersion(this, "scaling", {
      autoScalingConfigurationName: short(props.name),
      minSize: props.minInstances,
      maxSize: props.maxInstances,
      maxConcurrency: props.maxConcurrency,
    });
    const observability = new ApprunnerObservabilityConfiguration(this, "observability", {
      observabilityConfigurationName: short(props.name),
      traceConfiguration: { vendor: "AWSXRAY" },
    });
    this.serviceName = props.name.slice(0, 40);
    const service = new ApprunnerService(this, "service", {
      serviceName: this.serviceName,
      sourceConfiguration: {
        autoDeploymentsEnabled: false,
        authenticationConfiguration: { accessRoleArn: access.arn },
        imageRepository: {
          imageIdentifier: props.image.uri,
          imageRepositoryType: "ECR",
          imageConfiguration: {
            port: String(props.port),
            runtimeEnvironmentVariables: props.environment,
            runtimeEnvironmentSecrets: props.secrets,
          },
        },
      },
      instanceConfiguration: {
        cpu: String(props.cpu),
        memory: String(props.memoryMiB),
        instanceRoleArn: this.taskRole.arn,
      },
      healthCheckConfiguration: {
        ...(props.healthCheckPath === undefined
          ? { protocol: "TCP" }
          : { protocol: "HTTP", path: props.healthCheckPath }),
        interval: 10,
        timeout: 5,
        healthyThreshold: 1,
        unhealthyThreshold: 3,
      },
      autoScalingConfigurationArn: scaling.arn,
      observabilityConfiguration: {
        observabilityEnabled: true,
        observabilityConfigurationArn: observability.arn,
      },
      encryptionConfiguration: { kmsKey: props.key.keyArn },
    });
    this.host = service.serviceUrl;
    this.url = `https://${this.host}`;
    // App Runner makes this group itself, named with the id it gives the service.
    this.applicationLogGroupName = `/aws/apprunner/${service.serviceName}/${service.serviceId}/application`;
  }
}
