/**
 * Arguments that force Terraform to replace a resource, for the resource types TrackGraph uses (from the
 * AWS provider's schema: ForceNew). A path starting with one of these replaces the resource.
 */
export const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket: ["bucket", "bucket_prefix", "object_lock_enabled"],
  aws_dynamodb_table: ["name", "hash_key", "range_key"],
  aws_lambda_function: ["function_name"],
  aws_iam_role: ["name", "name_prefix", "path"],
  aws_iam_role_policy: ["name", "role"],
  aws_iam_openid_connect_provider: ["url"],
  aws_sqs_queue: ["name", "name_prefix", "fifo_queue"],
  aws_cloudwatch_log_group: ["name", "name_prefix"],
  aws_kms_alias: ["name"],
  aws_kms_key: ["customer_master_key_spec", "key_usage", "multi_region"],
  aws_ecr_repository: ["name"],
  aws_cloudwatch_log_delivery_source: ["name", "log_type", "resource_arn"],
  aws_cloudwatch_log_delivery_destination: ["name"],
  aws_cloudwatch_log_delivery: ["delivery_source_name", "delivery_destination_arn"],
  aws_lambda_permission: [
    "statement_id",
    "action",
    "function_name",
    "principal",
    "source_arn",
    "source_account",
  ],
  aws_s3_bucket_notification: ["bucket"],
  aws_apprunner_service: ["service_name"],
  aws_ecs_cluster: ["name"],
  aws_ecs_service: ["name", "cluster"],
  aws_prometheus_workspace: [],
  aws_grafana_workspace: ["account_access_type", "authentication_providers", "permission_type"],
  aws_secretsmanager_secret: ["name", "name_prefix"],
};

/** Attribute paths whose change touches public access, encryption or deletion protection. */
export const SECURITY_PATHS: ReadonlyArray<{
  type: string;
  pattern: RegExp;
  concern: "public access" | "encryption" | "deletion protection";
}> = [
  {
    type: "aws_s3_bucket_public_access_block",
    pattern: /^(block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets)$/,
    concern: "public access",
  },
  { type: "aws_s3_bucket_ownership_controls", pattern: /^rule/, concern: "public access" },
  { type: "aws_s3_bucket_policy", pattern: /^policy$/, concern: "public access" },
  {
    type: "aws_cloudfront_distribution",
    pattern:
      /^(default_cache_behavior\.viewer_protocol_policy|viewer_certificate|web_acl_id|origin\[\d+\]\.origin_access_control_id)/,
    concern: "public access",
  },
  {
    type: "aws_lambda_permission",
    pattern: /^(principal|source_arn|source_account)$/,
    concern: "public access",
  },
  { type: "aws_s3_bucket_server_side_encryption_configuration", pattern: /^rule/, concern: "encryption" },
  { type: "aws_dynamodb_table", pattern: /^server_side_encryption/, concern: "encryption" },
  { type: "aws_sqs_queue", pattern: /^(kms_master_key_id|sqs_managed_sse_enabled)$/, concern: "encryption" },
  { type: "aws_cloudwatch_log_group", pattern: /^kms_key_id$/, concern: "encryption" },
  { type: "aws_lambda_function", pattern: /^kms_key_arn$/, concern: "encryption" },
  { type: "aws_ecr_repository", pattern: /^encryption_configuration/, concern: "encryption" },
  { type: "aws_kms_key", pattern: /^(enable_key_rotation|deletion_window_in_days)$/, concern: "encryption" },
  { type: "aws_s3_bucket", pattern: /^force_destroy$/, concern: "deletion protection" },
  {
    type: "aws_dynamodb_table",
    pattern: /^(deletion_protection_enabled|point_in_time_recovery)/,
    concern: "deletion protection",
  },
  { type: "aws_s3_bucket_versioning", pattern: /^versioning_configuration/, concern: "deletion protection" },
  { type: "aws_s3_bucket_lifecycle_configuration", pattern: /expiration/, concern: "deletion protection" },
  {
    type: "aws_ecr_repository",
    pattern: /^(image_tag_mutability|force_delete)$/,
    concern: "deletion protection",
  },
];

/** Resource types whose removal is itself a security event. */
export const SECURITY_ON_REMOVE: Readonly<
  Record<string, "public access" | "encryption" | "deletion protection">
> = {
  aws_s3_bucket_public_access_block: "public access",
  aws_s3_bucket_server_side_encryption_configuration: "encryption",
  aws_s3_bucket_versioning: "deletion protection",
  aws_s3_bucket_policy: "public access",
};
