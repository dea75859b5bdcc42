import { z } from "zod";

/** Names that end up in resource names: lower case, digits and dashes, as S3 and IAM accept them. */
const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, "lower-case letters, digits and dashes, 3 to 32 characters");
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1");
const accountId = z.string().regex(/^\d{12}$/, "a 12-digit AWS account id");
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/, "an ARN");

const stateSchema = z
  .object({
    /** The state bucket made by the bootstrap stack. Without it the stack keeps local state. */
    bucket: z.string().min(3),
    region: awsRegion.optional(),
    /** Defaults to `<project>/<stack>.tfstate`. */
    key: z.string().min(1).optional(),
    /** SSE-KMS key for the state object; AES256 (S3-managed) when absent. */
    kmsKeyArn: arn.optional(),
  })
  .strict();

const domainSchema = z
  .object({
    name: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, "a DNS name such as app.example.com"),
    /** An ACM certificate in us-east-1 that covers `name`; CloudFront accepts no other region. */
    certificateArn: arn.regex(/^arn:aws[a-z-]*:acm:us-east-1:/, "an ACM certificate ARN in us-east-1"),
  })
  .strict();

const logPipelineSchema = z
  .object({
    /** Key prefix CloudFront writes access logs under; the Lambda listens to exactly this prefix. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]+\/$/, "an S3 key prefix ending in /")
      .default("cloudfront/"),
    logRetentionDays: z.number().int().positive().default(90),
    functionLogRetentionDays: z
      .union([
        z.literal(1),
        z.literal(3),
        z.literal(5),
        z.literal(7),
        z.literal(14),
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
      ])
      .default(365),
    memoryMb: z.number().int().min(128).max(10240).default(256),
    timeoutSeconds: z.number().int().min(10).max(900).default(300),
    reservedConcurrency: z.number().int().min(1).max(1000).default(5),
    maxRetryAttempts: z.number().int().min(0).max(2).default(2),
    idempotencyTtlDays: z.number().int().min(1).max(365).default(7),
  })
  .strict();

const siteSchema = z
  .object({
    priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
    /** Single-page app: 403/404 from the bucket are answered with this page and status 200. */
    spaFallback: z.string().startsWith("/").default("/index.html"),
    webAclArn: arn.optional(),
  })
  .strict();

const githubSchema = z
  .object({
    /** `owner/name` of the repository whose workflows may assume the plan and deploy roles. */
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name"),
    /** Branch whose pushes may deploy. */
    deployBranch: z.string().min(1).default("main"),
    /** GitHub environment whose jobs may deploy (protected by required reviewers in GitHub). */
    deployEnvironment: z.string().min(1).default("production"),
  })
  .strict();

const bootstrapSchema = z
  .object({
    /** ECR repositories for the images the stacks deploy. */
    ecrRepositories: z
      .array(resourceName)
      .min(1)
      .default(["backend", "collector-proxy", "collector-scraper"]),
    /** Days old state versions are kept (they are the undo history of every apply). */
    stateNoncurrentVersionDays: z.number().int().min(1).default(90),
  })
  .strict();

export const trackgraphConfigSchema = z
  .object({
    /** `environment` (the TrackGraph stack) or `bootstrap` (once per account: state bucket, ECR, GitHub OIDC). */
    kind: z.enum(["environment", "bootstrap"]).default("environment"),
    project: resourceName.default("trackgraph"),
    region: awsRegion.default("us-east-1"),
    /** When set, the provider refuses to touch any other account. */
    accountId: accountId.optional(),
    owner: z.string().min(1).default("platform-team"),
    environment: z.enum(["dev", "staging", "prod"]).optional(),
    state: stateSchema.optional(),
    domain: domainSchema.optional(),
    site: siteSchema.default(siteSchema.parse({})),
    logPipeline: logPipelineSchema.default(logPipelineSchema.parse({})),
    github: githubSchema.optional(),
    /** Extra tags on every taggable resource, besides project, stack and owner. */
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
    /** Keep data buckets when the stack is destroyed (`force_destroy` stays off). */
    forceDestroyBuckets: z.boolean().default(false),
    bootstrap: bootstrapSchema.default(bootstrapSchema.parse({})),
  })
  .strict()
  .refine((c) => c.kind !== "bootstrap" || c.github !== undefined, {
    message:
      "a bootstrap stack needs github.repository (the repository whose workflows may assume its roles)",
    path: ["github"],
  });

export const stackFileSchema = z.object({ trackgraph: trackgraphConfigSchema }).strict();

export type TrackgraphConfig = z.output<typeof trackgraphConfigSchema>;
/** What a stack file may contain: every key is optional where a production default exists. */
export type TrackgraphConfigInput = z.input<typeof trackgraphConfigSchema>;
