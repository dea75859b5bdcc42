import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { Construct } from "constructs";
import type { ContainerImage } from "./container-image.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { PolicyStatement } from "./policy-statements.js";
import { ServiceRole } from "./service-role.js";

export interface EcsTaskIdentityProps {
  name: string;
  image: ContainerImage;
  key: EncryptionKey;
  logRetentionDays: number;
  /** What ECS needs to inject the task's secrets (the execution role gets them). */
  secretStatements: PolicyStatement[];
  /** What the code in the container may do. */
  statements: PolicyStatement[];
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
    const account = props.key.accountId;
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/ecs/${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.key.key.arn,
    });
    this.executionRole = new ServiceRole(this, "execution-role", {
      name: `${props.name}-execution`,
      service: "ecs-tasks.amazonaws.com",
      sourceAccount: account,
      statements: [
        ...props.image.pullStatements("Execution"),
        ...props.secretStatements,
        {
          sid: "ExecutionWritesLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
      ],
    });
    this.taskRole = new ServiceRole(this, "task-role", {
      name: `${props.name}-task`,
      service: "ecs-tasks.amazonaws.com",
      sourceAccount: account,
      statements: props.statements,
    });
  }
}
