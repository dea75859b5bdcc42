import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution/index.js";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control/index.js";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy/index.js";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery/index.js";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination/index.js";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { Construct } from "constructs";
import type { AwsScope } from "../blocks/aws-scope.js";
import { checkovSkips } from "../blocks/checkov.js";
import type { EncryptionKey } from "../blocks/encryption-key.js";
import type { Naming } from "../blocks/naming.js";
import type { SecureBucket } from "../blocks/secure-bucket.js";

/** AWS managed cache policy "CachingOptimized": long TTLs, gzip and brotli, no cookies or query strings. */
export const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export interface EdgeProps {
  /** Names its resources (`<project>-<stack>-<purpose>`). */
  readonly naming: Naming;
  /** The private bucket the distribution serves (origin access control). */
  readonly site: SecureBucket;
  /** The bucket access logs are delivered to, under {@link logPrefix}. */
  readonly logs: SecureBucket;
  /** Encrypts what the construct stores (the stack's CMK). */
  readonly key: EncryptionKey;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** A provider in us-east-1: CloudFront log delivery sources exist only there. */
  readonly usEast1: AwsProvider;
  /** CloudFront's price class. */
  readonly priceClass: string;
  /** The page 403 and 404 answer with 200 (single-page-app routing). */
  readonly spaFallback: string;
  /**
   * A WAF web ACL for the distribution.
   * @default none
   */
  readonly webAclArn?: string | undefined;
  /**
   * A custom domain and its ACM certificate (us-east-1).
   * @default the distribution's *.cloudfront.net name and certificate
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string } | undefined;
  /** The key prefix access logs are delivered under (`cloudfront/`). */
  readonly logPrefix: string;
}

/**
 * The CloudFront distribution in front of the static site: the bucket stays private (origin access
 * control, SigV4), HTTPS only, HTTP/2 and 3, compression, security headers, single-page-app routing, and
 * access logs delivered with standard logging v2 under the prefix the log-parser Lambda listens to.
 */
export class Edge extends Construct {
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { naming, site, key } = props;

    const oac = new CloudfrontOriginAccessControl(this, "origin-access", {
      name: naming.name("site"),
      description: "CloudFront signs every request to the site bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const headers = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: naming.name("security-headers"),
      comment: "Security headers on every response",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: 63_072_000,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
          override: true,
        },
      },
    });

    const domain = props.domain;
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      comment: `TrackGraph ${naming.stack}: static site`,
      enabled: true,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass,
      defaultRootObject: "index.html",
      ...(domain === undefined ? {} : { aliases: [domain.name] }),
      ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
      origin: [
        {
          originId: "site",
          domainName: site.bucket.bucketRegionalDomainName,
          originAccessControlId: oac.id,
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: "site",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
        responseHeadersPolicyId: headers.id,
      },
      // A single-page app answers unknown paths with its shell; the bucket says 403 for missing keys.
      customErrorResponse: [403, 404].map((errorCode) => ({
        errorCode,
        responseCode: 200,
        responsePagePath: props.spaFallback,
        errorCachingMinTtl: 10,
      })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate:
        domain === undefined
          ? { cloudfrontDefaultCertificate: true }
          : {
              acmCertificateArn: domain.certificateArn,
              sslSupportMethod: "sni-only",
              minimumProtocolVersion: "TLSv1.2_2021",
            },
    });
    checkovSkips(this.distribution, [
      ...(domain === undefined
        ? [
            "CKV_AWS_174: without a custom domain the default *.cloudfront.net certificate is used, whose TLS policy CloudFront fixes; with config.domain the policy is TLSv1.2_2021.",
            "CKV2_AWS_42: a custom certificate needs a custom domain (config.domain); without one the *.cloudfront.net certificate serves the site.",
          ]
        : []),
      ...(props.webAclArn === undefined
        ? [
            "CKV_AWS_68: WAF is optional (config.site.webAclArn): a static site with no forms or API behind this distribution.",
            "CKV2_AWS_47: WAF is optional (config.site.webAclArn); see CKV_AWS_68.",
          ]
        : []),
      "CKV_AWS_310: one origin, the private bucket: there is no second origin to fail over to.",
      "CKV_AWS_374: TrackGraph serves listeners in every country; no geo restriction is wanted.",
      "CKV_AWS_86: access logs are delivered with standard logging v2 (aws_cloudwatch_log_delivery), which this check does not see.",
    ]);

    // The bucket and the key admit CloudFront only on behalf of this distribution.
    site.addToResourcePolicy({
      sid: "CloudFrontReadsSite",
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      actions: ["s3:GetObject"],
      resources: [site.arnForObjects()],
      conditions: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [this.distribution.arn] }],
    });
    key.addToResourcePolicy({
      sid: "CloudFrontDecryptsSite",
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      actions: ["kms:Decrypt"],
      conditions: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [this.distribution.arn] }],
    });

    this.deliverAccessLogs(props);
  }

  /**
   * Standard logging v2: CloudWatch Logs delivers the access logs to the logs bucket, no ACLs needed (the
   * bucket keeps ACLs disabled). JSON lines, keyed `<prefix><DistributionId>/<yyyy>/<MM>/<dd>/<HH>/`.
   */
  private deliverAccessLogs({ naming, logPrefix, logs, usEast1, aws }: EdgeProps): void {
    const prefix = logPrefix.replace(/\/$/, "");
    const source = new CloudwatchLogDeliverySource(this, "log-source", {
      provider: usEast1,
      name: naming.name("cloudfront-access"),
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "log-destination", {
      provider: usEast1,
      name: naming.name("cloudfront-to-s3"),
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: `${logs.bucketArn}/${prefix}` }],
    });
    new CloudwatchLogDelivery(this, "log-delivery", {
      provider: usEast1,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      s3DeliveryConfiguration: [
        { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: false },
      ],
    });
    logs.addToResourcePolicy({
      sid: "CloudFrontLogDeliveryWrites",
      principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [logs.arnForObjects(`${prefix}/`)],
      conditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
        {
          test: "ArnLike",
          variable: "aws:SourceArn",
          values: [`arn:${aws.partition}:logs:us-east-1:${aws.accountId}:delivery-source:*`],
        },
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      ],
    });
  }
}
