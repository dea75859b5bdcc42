import { readFileSync } from "node:fs";
import { z } from "zod";
import { SERVICE_LINKED_ROLES } from "./service-linked-roles.js";

/**
 * `cdktf.out/stacks/<stack>/deploy.json`: what synth tells the deploy about an environment stack. Written
 * by apps/infra next to the stack's `cdk.tf.json`; read here without importing anything of cdktf. Keys
 * this schema does not know are ignored (a newer synth may add some); `version` changes when a key this
 * deploy reads changes meaning.
 */

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1");
const stackName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "a stack name (lower case, digits, dashes)");
const repository = z
  .string()
  .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "an ECR repository name");

const imageSchema = z.object({
  repository,
  region,
  /** null: the config pins a digest; the image must already be in ECR (never built here). */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an image tag")
    .refine((tag) => tag !== "latest", "a tag other than latest (latest is never pushed)")
    .nullable(),
  /** The pinned digest when `tag` is null; without it only the repository can be checked. */
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, "sha256:<64 hex digits>")
    .nullable()
    .optional()
    // synth writes null for "no digest"; the code reads absent.
    .transform((digest) => digest ?? undefined),
  /** The build context, relative to the repository root. */
  context: z
    .string()
    .min(1)
    .refine((c) => !c.startsWith("/") && !c.split("/").includes(".."), "a path inside the repository"),
});

const secretSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "a Secrets Manager secret name"),
  env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name"),
  /** true: deploy puts a random value when the secret has none; false: the user must. */
  generate: z.boolean(),
  /** The Terraform resource address, for `-target`. */
  address: z.string().regex(/^[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/, "a Terraform resource address"),
});

const knownServices = Object.keys(SERVICE_LINKED_ROLES);

export const deployManifestSchema = z
  .object({
    version: z.literal(1),
    stack: stackName,
    kind: z.literal("environment"),
    region,
    accountId: z
      .string()
      .regex(/^\d{12}$/, "a 12-digit AWS account id")
      .nullable(),
    /** Apply order after the bootstrap. */
    stacks: z.array(stackName).min(1),
    bootstrap: z
      .object({
        stack: stackName,
        region,
        stateBucket: z.string().min(3).nullable(),
        repositories: z.array(repository),
      })

      .nullable(),
    /** null: the stack keeps local state. */
    state: z
      .object({ bucket: z.string().min(3), region })

      .nullable(),
    images: z.array(imageSchema),
    secrets: z.array(secretSchema),
    platform: z.enum(["ecs-express", "app-runner"]),
    serviceLinkedRoles: z.array(
      z.string().refine((s) => knownServices.includes(s), `one of ${knownServices.join(", ")}`),
    ),
    lambda: z.object({ reservedConcurrency: z.number().int().positive().nullable() }),
    /**
     * App Runner makes its services' log groups itself, so the deploy sets their retention. Absent in a
     * deploy.json of an older synth: nothing to do.
     */
    appRunnerLogs: z
      .object({
        services: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/, "an App Runner service name")),
        retentionDays: z.number().int().positive(),
      })
      .optional(),
    grafana: z.object({
      authentication: z.enum(["AWS_SSO", "SAML"]),
      /** Read by nothing here yet: the environment stack's outputs for the dashboards stack's token. */
      workspaceIdOutput: z.string().min(1).optional(),
      serviceAccountIdOutput: z.string().min(1).optional(),
      tokenSeconds: z.number().int().positive().optional(),
    }),
  })
  .refine((m) => m.stacks.includes(m.stack), { message: "must include the stack itself", path: ["stacks"] });

export type DeployManifest = z.output<typeof deployManifestSchema>;
export type ManifestImage = DeployManifest["images"][number];
export type ManifestSecret = DeployManifest["secrets"][number];

/** deploy.json is missing or does not match the schema; the message is one line naming file and key. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Parses deploy.json's text; `file` only names it in errors. */
export function parseManifest(file: string, text: string): DeployManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const result = deployManifestSchema.safeParse(raw);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  if (first === undefined) throw new ManifestError(`${file}: invalid`);
  const key = first.path.map(String).join(".") || "(root)";
  const more = rest.length === 0 ? "" : ` (and ${rest.length} more)`;
  // zod's own messages read "Invalid input: expected string, received undefined"; ours name the form.
  const message = first.message.replace(/^Invalid [a-z ]+: /, "").replace(/, received \w+$/, "");
  const expected = message.startsWith("expected ") ? message : `expected ${message}`;
  const value = valueAt(raw, first.path);
  const detail = value === undefined ? `missing (${expected})` : `got ${describe(value)}, ${expected}`;
  throw new ManifestError(`${file}: ${key}: ${detail}${more}`);
}

/** Reads and validates deploy.json. */
export function loadManifest(file: string): DeployManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      code === "ENOENT"
        ? `${file}: missing (synth writes it; run without --no-synth, or \`pnpm synth\`)`
        : `${file}: cannot read (${code ?? String(error)})`,
    );
  }
  return parseManifest(file, text);
}
