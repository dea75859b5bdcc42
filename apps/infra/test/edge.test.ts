import { describe, expect, it } from "vitest";
import { policyDocuments, refAt, resourceAt, synthStack } from "./synth.js";

const { json } = synthStack();
const distribution = resourceAt(json, "aws_cloudfront_distribution", "edge/distribution");

describe("edge", () => {
  it("reaches the private site bucket only through origin access control", () => {
    expect(resourceAt(json, "aws_cloudfront_origin_access_control", "edge/origin-access")).toMatchObject({
      origin_access_control_origin_type: "s3",
      signing_behavior: "always",
      signing_protocol: "sigv4",
    });
    expect(distribution.origin).toEqual([
      {
        origin_id: "site",
        domain_name: refAt(json, "aws_s3_bucket", "storage/site/bucket", "bucket_regional_domain_name"),
        origin_access_control_id: refAt(
          json,
          "aws_cloudfront_origin_access_control",
          "edge/origin-access",
          "id",
        ),
      },
    ]);
    const site = Object.entries(policyDocuments(json)).find(([id]) => id.startsWith("storage_site_"))?.[1];
    expect(site?.statement).toContainEqual({
      sid: "CloudFrontReadsSite",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: [`${refAt(json, "aws_s3_bucket", "storage/site/bucket", "arn")}/*`],
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      condition: [
        {
          test: "StringEquals",
          variable: "AWS:SourceArn",
          values: [refAt(json, "aws_cloudfront_distribution", "edge/distribution", "arn")],
        },
      ],
    });
  });

  it("serves HTTPS only over HTTP/2 and 3, compressed, with the security headers policy", () => {
    expect(distribution).toMatchObject({
      enabled: true,
      is_ipv6_enabled: true,
      http_version: "http2and3",
      default_root_object: "index.html",
    });
    expect(distribution.default_cache_behavior).toMatchObject({
      viewer_protocol_policy: "redirect-to-https",
      compress: true,
      cache_policy_id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      response_headers_policy_id: refAt(
        json,
        "aws_cloudfront_response_headers_policy",
        "edge/security-headers",
        "id",
      ),
    });
    const headers = resourceAt(
      json,
      "aws_cloudfront_response_headers_policy",
      "edge/security-headers",
    ).security_headers_config;
    expect(headers).toMatchObject({
      strict_transport_security: {
        access_control_max_age_sec: 63072000,
        include_subdomains: true,
        preload: true,
        override: true,
      },
      content_type_options: { override: true },
      frame_options: { frame_option: "DENY" },
      referrer_policy: { referrer_policy: "strict-origin-when-cross-origin" },
    });
  });

  it("answers unknown paths with the single-page app's shell", () => {
    expect(distribution.custom_error_response).toEqual([
      { error_code: 403, response_code: 200, response_page_path: "/index.html", error_caching_min_ttl: 10 },
      { error_code: 404, response_code: 200, response_page_path: "/index.html", error_caching_min_ttl: 10 },
    ]);
  });

  it("uses the default certificate without a domain, and the ACM certificate with TLS 1.2 (2021) with one", () => {
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution).not.toHaveProperty("aliases");
    const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    const custom = resourceAt(
      synthStack({ domain: { name: "trackgraph.example.com", certificateArn } }).json,
      "aws_cloudfront_distribution",
      "edge/distribution",
    );
    expect(custom).toMatchObject({
      aliases: ["trackgraph.example.com"],
      viewer_certificate: {
        acm_certificate_arn: certificateArn,
        ssl_support_method: "sni-only",
        minimum_protocol_version: "TLSv1.2_2021",
      },
    });
  });

  it("delivers access logs (standard logging v2, JSON) to the logs bucket under the Lambda's prefix", () => {
    expect(resourceAt(json, "aws_cloudwatch_log_delivery_source", "edge/log-source")).toMatchObject({
      log_type: "ACCESS_LOGS",
      resource_arn: refAt(json, "aws_cloudfront_distribution", "edge/distribution", "arn"),
      provider: "aws.us_east_1",
    });
    expect(resourceAt(json, "aws_cloudwatch_log_delivery_destination", "edge/log-destination")).toMatchObject(
      {
        output_format: "json",
        delivery_destination_configuration: [
          {
            destination_resource_arn: `${refAt(json, "aws_s3_bucket", "storage/logs/bucket", "arn")}/cloudfront`,
          },
        ],
      },
    );
    expect(resourceAt(json, "aws_cloudwatch_log_delivery", "edge/log-delivery")).toMatchObject({
      s3_delivery_configuration: [
        { suffix_path: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enable_hive_compatible_path: false },
      ],
    });
    expect(json.provider.aws?.map((p) => p.alias ?? "default")).toEqual(["default", "us_east_1"]);
  });
});
