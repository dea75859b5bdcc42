import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { Construct } from "constructs";
import { checkovSkips } from "./checkov.js";
import type { EncryptionKey } from "./encryption-key.js";
import type { IGrantable } from "./grants.js";
import type { Naming } from "./naming.js";

export interface SecretSpec {
  /** An existing secret; otherwise the stack creates an empty one whose value is set outside Terraform. */
  existingArn?: string | undefined;
  description?: string;
  /**
   * A random token the deploy may generate (both ends of it are ours); otherwise a person puts the value.
   * @default false
   */
  generated?: boolean;
}

export interface ServiceSecretsProps {
  /** Names the secrets (`<project>-<stack>-secrets/<name>`). */
  readonly naming: Naming;
  /** Encrypts the secrets; readers get Decrypt through Secrets Manager. */
  readonly key: EncryptionKey;
  /**
   * A deleted secret goes at once instead of after a 30-day recovery window (a disposable stack).
   * @default false
   */
  readonly disposable?: boolean | undefined;
}

/** A secret this stack creates, for the deploy step that gives it a value before any service starts. */
export interface CreatedSecret {
  readonly env: string;
  /** The secret's name in Secrets Manager. */
  readonly name: string;
  readonly resource: SecretsmanagerSecret;
  readonly generated: boolean;
}

/**
 * Secrets by the environment variable that carries them. A created secret has no version in Terraform, so
 * its value never enters config, plan or state: `pnpm run deploy` generates the tokens we own before any
 * service starts, and asks for the others (`aws secretsmanager put-secret-value`).
 */
export class ServiceSecrets extends Construct {
  private readonly arns = new Map<string, string>();
  /** The secrets created here (not those referenced by ARN), in the order they were added. */
  readonly created: CreatedSecret[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServiceSecretsProps,
  ) {
    super(scope, id);
  }

  /** Adds (or returns) the secret for `name`. */
  secret(name: string, spec: SecretSpec = {}): string {
    const known = this.arns.get(name);
    if (known !== undefined) return known;
    let arn = spec.existingArn;
    if (arn === undefined) {
      const secretName = `${this.props.naming.name("secrets")}/${name.toLowerCase().replaceAll("_", "-")}`;
      const secret = new SecretsmanagerSecret(this, name, {
        name: secretName,
        description: spec.description ?? `${name} of ${this.props.naming.stack}`,
        kmsKeyId: this.props.key.keyArn,
        recoveryWindowInDays: this.props.disposable === true ? 0 : 30,
      });
      checkovSkips(secret, [
        "CKV2_AWS_57: the value is a bearer token set by the operator; rotating it needs both ends (the service and its clients) to change together, which a rotation Lambda cannot do. Rotate by putting a new value and redeploying.",
      ]);
      this.created.push({
        env: name,
        name: secretName,
        resource: secret,
        generated: spec.generated ?? false,
      });
      arn = secret.arn;
    }
    this.arns.set(name, arn);
    return arn;
  }

  arn(name: string): string {
    const arn = this.arns.get(name);
    if (arn === undefined) throw new Error(`no secret for ${name}`);
    return arn;
  }

  /**
   * Lets `grantee` read exactly these secrets (by ARN) and decrypt them through Secrets Manager:
   * statements `<sidPrefix>ReadSecrets`, `<sidPrefix>DecryptSecrets`.
   */
  grantRead(grantee: IGrantable, sidPrefix: string, secretArns: string[]): void {
    grantee.addToPrincipalPolicy({
      sid: `${sidPrefix}ReadSecrets`,
      actions: ["secretsmanager:GetSecretValue"],
      resources: secretArns,
    });
    this.props.key.grantDecrypt(grantee, `${sidPrefix}DecryptSecrets`, "secretsmanager");
  }
}
