import { BACKEND_ENV } from "@trackgraph/backend-otel/env";
import { z } from "zod";
import { logQueriesSchema } from "./log-queries.js";

/**
 * The longest `<project>-<stack>` that keeps every name we derive from it within AWS's limits: the longest
 * suffix is a collector's `-telemetry-proxy-execution` role, and IAM role names stop at 64 characters.
 */
export const MAX_STACK_PREFIX = 38;

/** Names that end up in resource names: lower case, digits and dashes, as S3 and IAM accept them. */
const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, "lower-case letters, digits and dashes, 3 to 32 characters");
/**
 * The regions of AWS's commercial, China and GovCloud partitions, as botocore's endpoints data lists them
 * (an e2e test compares the two, so a new region shows up as a failing test, not a refused config).
 */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "cn-north-1",
  "cn-northwest-1",
  "us-gov-east-1",
  "us-gov-west-1",
] as const;
const awsRegion = z.string().refine((r) => (AWS_REGIONS as readonly string[]).includes(r), {
  message: "an AWS region such as eu-west-1",
});
const accountId = z.string().regex(/^\d{12}$/, "a 12-digit AWS account id");
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/, "an ARN");

const stateSchema = z
  .object({
    /** The state bucket made by the bootstrap stack. Without it the stack keeps local state. */
    bucket: z.string().min(3),
    region: awsRegion.optional(),
    /** Defaults to `<project>/<stack>.tfstate`. */
    key: z.string().min(1).optional(),
    /**
     * The bootstrap stack's state key (its `state_kms_key_arn` output, or the ARN of its alias
     * `alias/<project>-<bootstrap stack>-state`). Required: without it Terraform asks S3 for AES256 and
     * the state, with every secret Terraform ever read, is off the CMK.
     */
    kmsKeyArn: arn.regex(/^arn:aws[a-z-]*:kms:/, "a KMS key or alias ARN"),
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
    /**
     * Concurrency reserved for the function; none by default. A reservation must leave 100 of the account's
     * concurrency unreserved, which new accounts (reduced quotas) cannot: preflight checks it.
     */
    reservedConcurrency: z.number().int().min(1).max(1000).optional(),
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
    /**
     * An account has one OIDC provider per URL: `existing` uses the one another stack made (a second
     * bootstrap in the same account), `create` makes it.
     */
    oidcProvider: z.enum(["create", "existing"]).default("create"),
  })
  .strict();

const bootstrapSchema = z
  .object({
    /** ECR repositories for the images the stacks deploy. */
    ecrRepositories: z
      .array(resourceName)
      .min(1)
      .default(["backend", "collector-proxy", "collector-scraper"]),
    /**
     * Further regions whose environments pull images: each gets the same repositories (ECS and App Runner
     * pull from their own region's registry). The bootstrap's own region always has them.
     */
    imageRegions: z.array(awsRegion).default([]),
    /** Days old state versions are kept (they are the undo history of every apply). */
    stateNoncurrentVersionDays: z.number().int().min(1).default(90),
  })
  .strict();

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const retentionDays = z.number().refine((d) => RETENTION_DAYS.includes(d), {
  message: `a CloudWatch Logs retention period: one of ${RETENTION_DAYS.join(", ")} days`,
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name in upper case");

/** An image in this account's ECR: by tag, or (for reproducible deploys) by digest. */
const imageSchema = z
  .object({
    repository: resourceName,
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an image tag")
      .refine(
        (t) => t !== "latest",
        "a tag other than latest (the repositories are IMMUTABLE: latest can be pushed once)",
      )
      .optional(),
    digest: z
      .string()
      .regex(/^sha256:[a-f0-9]{64}$/, "sha256:<64 hex digits>")
      .optional(),
  })
  .strict()
  .refine((i) => !(i.tag !== undefined && i.digest !== undefined), {
    message: "give a tag or a digest, not both",
  });

/**
 * A secret the container reads from its environment: created empty by the stack (its value is set outside
 * Terraform, so it never sits in config or state), or an existing secret by ARN.
 */
const secretSchema = z.object({ existingArn: arn.optional() }).strict();

/** App Runner's CPU/memory pairs; ECS Express accepts them too. */
const SIZES = [
  "256/512",
  "512/1024",
  "1024/2048",
  "1024/3072",
  "1024/4096",
  "2048/4096",
  "4096/8192",
] as const;

/** One of {@link SIZES}: `<CPU units>/<MiB>`. */
export type ServiceSizeName = (typeof SIZES)[number];

/** A size as the numbers the service constructs take. */
export function serviceSize(size: ServiceSizeName): { cpu: number; memoryMiB: number } {
  const [cpu, memoryMiB] = size.split("/").map(Number) as [number, number];
  return { cpu, memoryMiB };
}

/**
 * What a config may not set on the backend, as a variable or a secret: what the stack sets itself (a
 * config value would be silently overridden, or would override the stack's token), and what would turn on
 * the local plane's fault switch (its file, and the resource attributes that say "local").
 */
const STACK_SET_ENV = [
  BACKEND_ENV.port,
  BACKEND_ENV.metricsToken,
  BACKEND_ENV.dataSource,
  BACKEND_ENV.dataBucket,
  BACKEND_ENV.faultFile,
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_RESOURCE_ATTRIBUTES",
  "TRACKGRAPH_OTEL_BEARER_TOKEN",
];
const RESERVED_ENV = new RegExp(`^(AWS_.*|${STACK_SET_ENV.join("|")})$`);

const backendSchema = z
  .object({
    /**
     * Amazon ECS Express Mode (default: what AWS offers new customers), or App Runner for accounts that
     * already use it (App Runner takes no new customers since 30 April 2026).
     */
    platform: z.enum(["ecs-express", "app-runner"]).default("ecs-express"),
    /** Without a tag or digest: the tag of the image synth builds (`src-<hash of its build context>`). */
    image: imageSchema.default({ repository: "backend" }),
    /** vCPU units / MiB. */
    size: z.enum(SIZES).default("1024/2048"),
    port: z.number().int().min(1).max(65535).default(8080),
    healthCheckPath: z.string().startsWith("/").default("/healthz"),
    minInstances: z.number().int().min(1).max(25).default(1),
    maxInstances: z.number().int().min(1).max(25).default(4),
    /** Concurrent requests per instance before App Runner adds one (ECS Express: requests per target). */
    maxConcurrency: z.number().int().min(1).max(200).default(100),
    /** Plain settings; secrets go in `secrets`. */
    environment: z
      .record(envName, z.string().max(4096))
      .default({})
      .refine((env) => Object.keys(env).every((k) => !RESERVED_ENV.test(k)), {
        message: `no variable the stack sets itself (AWS_*, ${STACK_SET_ENV.join(", ")})`,
      }),
    /** Environment variable -> secret. METRICS_TOKEN (protects /metrics) is always there. */
    secrets: z
      .record(envName, secretSchema)
      .default({})
      .refine((env) => Object.keys(env).every((k) => !RESERVED_ENV.test(k)), {
        message: `no variable the stack sets itself (AWS_*, ${STACK_SET_ENV.join(", ")})`,
      }),
    /** Sampling ratio of the backend's tracer (parent-based). */
    traceSampleRatio: z.number().min(0).max(1).default(0.1),
  })
  .strict()
  .refine((b) => b.minInstances <= b.maxInstances, {
    message: "minInstances must not exceed maxInstances",
    path: ["minInstances"],
  });

const networkSchema = z
  .object({
    /** Subnets of the Fargate collector and ECS Express; the default VPC's when absent. */
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, "a subnet id"))
      .min(1)
      .optional(),
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/, "a VPC id")
      .optional(),
    /** Public subnets without a NAT gateway need a public IP to reach ECR, AMP and Secrets Manager. */
    assignPublicIp: z.boolean().default(true),
  })
  .strict()
  .refine((n) => (n.subnetIds === undefined) === (n.vpcId === undefined), {
    message: "give both vpcId and subnetIds, or neither (the default VPC)",
  });

const observabilitySchema = z
  .object({
    logRetentionDays: retentionDays.default(365),
    xray: z
      .object({
        /** Requests per second traced before the rate applies. */
        reservoirSize: z.number().int().min(0).default(1),
        fixedRate: z.number().min(0).max(1).default(0.05),
      })
      .strict()
      .default({ reservoirSize: 1, fixedRate: 0.05 }),
    grafana: z
      .object({
        /** AWS_SSO needs IAM Identity Center enabled in the account (preflight checks it). */
        authentication: z.enum(["AWS_SSO", "SAML"]).default("AWS_SSO"),
        /** IAM Identity Center user and group ids made workspace admins (AWS_SSO only). */
        admins: z
          .object({
            userIds: z.array(z.string().min(1)).default([]),
            groupIds: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .default({ userIds: [], groupIds: [] }),
      })
      .strict()
      .default({ authentication: "AWS_SSO", admins: { userIds: [], groupIds: [] } }),
    collectors: z
      .object({
        proxyImage: imageSchema.default({ repository: "collector-proxy" }),
        scraperImage: imageSchema.default({ repository: "collector-scraper" }),
        // At most 2 minutes: the absence alerts read a 10-minute window, and BackendMetricsAbsent waits
        // 3 minutes longer than TelemetryScraperAbsent so that the inhibit rule holds; a scrape interval
        // plus an evaluation (1m) must fit in that margin.
        scrapeInterval: z
          .string()
          .regex(/^\d+[sm]$/, "a duration such as 30s")
          .refine(
            (d) => Number.parseInt(d, 10) * (d.endsWith("m") ? 60 : 1) <= 120,
            "at most 2m (the absence alerts' ordering margin)",
          )
          .default("30s"),
      })
      .strict()
      .default({
        proxyImage: { repository: "collector-proxy" },
        scraperImage: { repository: "collector-scraper" },
        scrapeInterval: "30s",
      }),
    alerts: z
      .object({
        /** Subscribed to the alerts topic (SNS asks the address to confirm); none: subscribe yourself. */
        email: z.email("an e-mail address").optional(),
        /** The edge alarm fires when this share of requests answers 5xx over 15 minutes. */
        edge5xxRatio: z.number().gt(0).lt(1).default(0.05),
        /**
         * Minutes without a processed CloudFront log object before the log pipeline's heartbeat alarm
         * fires (missing data is breaching). None by default: a stack without steady traffic (dev) gets
         * no logs, and would alarm. Whole 5-minute periods, at most a day (CloudWatch's limit).
         */
        logHeartbeatMinutes: z
          .number()
          .int()
          .min(15)
          .max(1440)
          .refine((m) => m % 5 === 0, "whole 5-minute periods: a multiple of 5")
          .optional(),
      })
      .strict()
      .default({ edge5xxRatio: 0.05 }),
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
    logQueries: logQueriesSchema.default(logQueriesSchema.parse({})),
    github: githubSchema.optional(),
    /** Extra tags on every taggable resource, besides project, stack and owner. */
    tags: z
      .record(
        z
          .string()
          .min(1)
          .max(128)
          .refine(
            (k) => !k.toLowerCase().startsWith("aws:"),
            "a tag key that does not start with aws: (AWS reserves it)",
          ),
        z.string().max(256),
      )
      .default({}),
    /**
     * A stack that may be thrown away (dev): `destroy` empties the buckets, the load balancer and the
     * idempotency table lose deletion protection, and deleted secrets go at once (no recovery window).
     */
    disposable: z.boolean().optional(),
    /** The old name of `disposable`, still accepted: the loader maps it and prints a deprecation line. */
    forceDestroyBuckets: z.boolean().optional(),
    bootstrap: bootstrapSchema.default(bootstrapSchema.parse({})),
    backend: backendSchema.default(backendSchema.parse({})),
    network: networkSchema.default(networkSchema.parse({})),
    observability: observabilitySchema.default(observabilitySchema.parse({})),
  })
  .strict()
  .refine((c) => c.kind !== "bootstrap" || c.github !== undefined, {
    message:
      "a bootstrap stack needs github.repository (the repository whose workflows may assume its roles)",
    path: ["github"],
  })
  .refine((c) => c.disposable === undefined || c.forceDestroyBuckets === undefined, {
    message: 'only "disposable" (forceDestroyBuckets is its old name: give one of them)',
    path: ["forceDestroyBuckets"],
  })
  .transform(({ forceDestroyBuckets, disposable, ...rest }) => ({
    ...rest,
    disposable: disposable ?? forceDestroyBuckets ?? false,
  }));

/** The line the loader prints (stderr) for a stack file that still says `forceDestroyBuckets`. */
export const FORCE_DESTROY_DEPRECATION =
  'trackgraph.forceDestroyBuckets is deprecated: rename it to "disposable" (the same switch: it also turns off deletion protection and the secrets\' recovery window)';

export const stackFileSchema = z.object({ trackgraph: trackgraphConfigSchema }).strict();

export type TrackgraphConfig = z.output<typeof trackgraphConfigSchema>;
/** What a stack file may contain: every key is optional where a production default exists. */
export type TrackgraphConfigInput = z.input<typeof trackgraphConfigSchema>;
