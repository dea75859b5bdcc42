import { describe, expect, it } from "vitest";
import { runPreflight, sdkAccount } from "../src/index.js";
import { manifest } from "./fixtures.js";
import { harness } from "./harness.js";
import { replay } from "./replay.js";

/**
 * The checks moto 5.2.5 cannot answer, through the real SDK clients of `sdkAccount` with AWS's wire
 * responses replayed: Lambda GetAccountSettings (moto has no such route: 404), App Runner (moto has no App
 * Runner: 500), sso-admin ListInstances without an instance (moto always has one and cannot delete
 * it), and Managed Grafana's service-account tokens (moto has no Managed Grafana). The bodies follow the response syntax of each API reference; no AWS account exists here to record
 * from, so they are written from those references.
 */

const LAMBDA_NEW_ACCOUNT = {
  status: 200,
  body: JSON.stringify({
    AccountLimit: {
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: 10,
      UnreservedConcurrentExecutions: 10,
    },
    AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 },
  }),
};

describe("recorded responses through the SDK", () => {
  it("Lambda GetAccountSettings: a new account's limit of 10 fails a reservation of 5", async () => {
    const r = replay(LAMBDA_NEW_ACCOUNT);
    const account = sdkAccount(r.settings);
    expect(await account.lambdaConcurrency("us-east-1")).toEqual({ limit: 10, unreserved: 10 });
    expect(r.requests[0]?.method).toBe("GET");
    expect(r.requests[0]?.path).toBe("/2016-08-19/account-settings");
    expect(r.requests[0]?.hostname).toBe("lambda.us-east-1.amazonaws.com");

    const m = manifest({ lambda: { reservedConcurrency: 5 } });
    const h = harness(m).account.deployed();
    h.lambdaConcurrency = sdkAccount(replay(LAMBDA_NEW_ACCOUNT).settings).lambdaConcurrency;
    const report = await runPreflight(
      { kind: "environment", manifest: m },
      { account: h, runner: harness(m).runner },
    );
    expect(report.checks.find((c) => c.name === "lambda concurrency")).toMatchObject({
      status: "FAIL",
      found:
        "account limit 10 concurrent executions (10 unreserved now); the log parser reserves 5, leaving 5; Lambda keeps at least 100 unreserved",
    });
  });

  it("App Runner ListServices: an answer means usable", async () => {
    const r = replay({
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({ ServiceSummaryList: [] }),
    });
    expect(await sdkAccount(r.settings).appRunnerAvailability("eu-west-1")).toEqual({ usable: true });
    expect(r.requests[0]?.headers["x-amz-target"]).toBe("AppRunner.ListServices");
    expect(r.requests[0]?.hostname).toBe("apprunner.eu-west-1.amazonaws.com");
  });

  it("App Runner ListServices: AccessDenied and SubscriptionRequired mean not usable, with the reason", async () => {
    const denied = replay({
      status: 400,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": "AccessDeniedException" },
      body: JSON.stringify({
        __type: "AccessDeniedException",
        message:
          "User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: apprunner:ListServices",
      }),
    });
    expect(await sdkAccount(denied.settings).appRunnerAvailability("us-east-1")).toEqual({
      usable: false,
      reason:
        "AccessDeniedException: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: apprunner:ListServices",
    });
    const subscription = replay({
      status: 400,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({
        __type: "SubscriptionRequiredException",
        message: "The AWS Access Key Id needs a subscription for the service",
      }),
    });
    const availability = await sdkAccount(subscription.settings).appRunnerAvailability("us-east-1");
    expect(availability).toEqual({
      usable: false,
      reason: "SubscriptionRequiredException: The AWS Access Key Id needs a subscription for the service",
    });
  });

  it("App Runner ListServices: a server error says nothing about the account and is reported as an error", async () => {
    const r = replay({
      status: 500,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({ __type: "InternalServiceErrorException", message: "internal error" }),
    });
    await expect(sdkAccount(r.settings).appRunnerAvailability("us-east-1")).rejects.toThrow("internal error");
  });

  it("sso-admin ListInstances: no instance fails AWS_SSO", async () => {
    const r = replay({
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ Instances: [] }),
    });
    expect(await sdkAccount(r.settings).identityCenterInstances("us-east-1")).toBe(0);
    expect(r.requests[0]?.headers["x-amz-target"]).toBe("SWBExternalService.ListInstances");

    const m = manifest();
    const h = harness(m);
    h.account.deployed();
    h.account.identityCenterInstances = sdkAccount(
      replay({
        status: 200,
        headers: { "content-type": "application/x-amz-json-1.1" },
        body: '{"Instances":[]}',
      }).settings,
    ).identityCenterInstances;
    const report = await runPreflight(
      { kind: "environment", manifest: m },
      { account: h.account, runner: h.runner },
    );
    expect(report.checks.find((c) => c.name === "identity center")?.status).toBe("FAIL");
  });

  it("Grafana: a service-account token is minted with its lifetime, and deleted by id", async () => {
    const r = replay(
      {
        status: 200,
        body: JSON.stringify({
          serviceAccountId: "7",
          serviceAccountToken: {
            id: "3",
            key: "glsa_recorded_key_0123456789abcdef",
            name: "dev-deploy-20261202T0200",
          },
          workspaceId: "g-0123456789",
        }),
      },
      {
        status: 200,
        body: JSON.stringify({ serviceAccountId: "7", tokenId: "3", workspaceId: "g-0123456789" }),
      },
    );
    const account = sdkAccount(r.settings);
    const token = await account.createGrafanaToken({
      region: "eu-west-1",
      workspaceId: "g-0123456789",
      serviceAccountId: "7",
      name: "dev-deploy-20261202T0200",
      seconds: 3600,
    });
    expect(token).toEqual({ tokenId: "3", key: "glsa_recorded_key_0123456789abcdef" });
    expect(r.requests[0]?.method).toBe("POST");
    expect(r.requests[0]?.hostname).toBe("grafana.eu-west-1.amazonaws.com");
    expect(r.requests[0]?.path).toBe("/workspaces/g-0123456789/serviceaccounts/7/tokens");
    expect(JSON.parse(String(r.requests[0]?.body))).toEqual({
      name: "dev-deploy-20261202T0200",
      secondsToLive: 3600,
    });
    await account.deleteGrafanaToken({
      region: "eu-west-1",
      workspaceId: "g-0123456789",
      serviceAccountId: "7",
      tokenId: "3",
    });
    expect(r.requests[1]?.method).toBe("DELETE");
    expect(r.requests[1]?.path).toBe("/workspaces/g-0123456789/serviceaccounts/7/tokens/3");
  });

  it("IAM CreateServiceLinkedRole: 'has been taken' means the role exists", async () => {
    const r = replay({
      status: 400,
      headers: { "content-type": "text/xml" },
      body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.</Message></Error><RequestId>4a3b2c1d-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
    });
    expect(await sdkAccount(r.settings).createServiceLinkedRole("ecs.amazonaws.com")).toBe("exists");
  });
});
