import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "./aws-scope.js";
import type { ContainerImage } from "./container-image.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { IGrantable } from "./grants.js";
import type { PolicyStatement } from "./policy-statements.js";
import { ServiceRole } from "./service-role.js";

export interface EcsTaskIdentityProps {
  /** The task's name: `/ecs/<name>` log group, `<name>-execution` and `<name>-task` roles. */
  readonly name: string;
  /** The image the execution role pulls. */
  readonly image: ContainerImage;
  /** Encrypts the log group. */
  readonly key: EncryptionKey;
  /** The account the roles' trust is limited to. */
  readonly aws: AwsScope;
  /** Days the log group keeps events. */
  readonly logRetentionDays: number;
  /**
   * Grants the execution role what ECS needs to inject the task's secrets (called between the image
   * pull and the log statements, the order of its policy).
   */
  readonly grantSecrets: (executionRole: IGrantable) => void;
  /** What the code in the container may do (the task role). */
  readonly statements: PolicyStatement[];
}

/**
 * What every ECS task of ours has: an encrypted log group with retention, an execution role that pulls
 * its image, reads its secrets and writes its logs, and a task role with the code's own permissions.
 */
export class EcsTaskIdentity extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly executionRole: ServiceRole;
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: EcsTaskIdentityProps) {
    super(scope, id);
    const account = props.aws.accountId;
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/ecs/${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.key.keyArn,
    });
    this.executionRole = new ServiceRole(this, "execution-role", {
      name: `${props.name}-execution`,
      service: "ecs-tasks.amazonaws.com",
      sourceAccount: account,
    });
    props.image.grantPull(this.executionRole, "Execution");
    props.grantSecrets(this.executionRole);
    this.executionRole.addToPrincipalPolicy({
      sid: "ExecutionWritesLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${this.logGroup.arn}:*`],
    });
    this.taskRole = new ServiceRole(this, "task-role", {
      name: `${props.name}-task`,
      service: "ecs-tasks.amazonaws.com",
      sourceAccount: account,
      statements: props.statements,
    });
  }
}
