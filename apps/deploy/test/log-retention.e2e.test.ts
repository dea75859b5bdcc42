import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
} from "@aws-sdk/client-cloudwatch-logs";
import { type MotoServer, startMoto } from "@trackgraph/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkAccount } from "../src/index.js";
import { manifest } from "./fixtures.js";
import { harness } from "./harness.js";

let moto: MotoServer;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  moto = await startMoto();
  logs = new CloudWatchLogsClient({ ...moto.clientConfig, region: "us-east-1" });
});
afterAll(async () => {
  await moto?.stop();
});

async function retentions(): Promise<Record<string, number | undefined>> {
  const found: Record<string, number | undefined> = {};
  for await (const page of paginateDescribeLogGroups({ client: logs }, {}))
    for (const g of page.logGroups ?? []) found[g.logGroupName ?? ""] = g.retentionInDays;
  return found;
}

describe("App Runner's log groups through CloudWatch Logs (moto)", () => {
  it("the deploy gives every group of the stack's App Runner services its retention, and no other group", async () => {
    await moto.reset();
    const backend = "/aws/apprunner/trackgraph-dev-backend";
    // One service recreated 55 times leaves 110 groups: more than one DescribeLogGroups page (50).
    const groups = [
      ...Array.from({ length: 55 }, (_, i) => `${backend}/${String(i).padStart(32, "0")}/service`),
      ...Array.from({ length: 55 }, (_, i) => `${backend}/${String(i).padStart(32, "0")}/application`),
      "/aws/apprunner/trackgraph-dev-proxy/0123456789abcdef0123456789abcdef/service",
      // Another service whose name starts with the backend's, and a group of ours: not App Runner's of this stack.
      "/aws/apprunner/trackgraph-dev-backend-old/0123456789abcdef0123456789abcdef/service",
      "/ecs/trackgraph-dev-backend",
    ];
    for (const name of groups) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: groups[0], retentionInDays: 7 }));

    const h = harness(
      manifest({
        platform: "app-runner",
        appRunnerLogs: { services: ["trackgraph-dev-backend", "trackgraph-dev-proxy"], retentionDays: 30 },
      }),
    );
    // The fake account for the rest of the deploy; the two CloudWatch Logs calls through the SDK on moto.
    const sdk = sdkAccount({ ...moto.clientConfig });
    h.account.logGroups = sdk.logGroups;
    h.account.putRetentionPolicy = sdk.putRetentionPolicy;
    await h.run();

    const after = await retentions();
    expect(Object.keys(after).sort()).toEqual([...groups].sort());
    for (const name of groups.slice(0, 111)) expect(after[name], name).toBe(30);
    expect(after["/aws/apprunner/trackgraph-dev-backend-old/0123456789abcdef0123456789abcdef/service"]).toBe(
      undefined,
    );
    expect(after["/ecs/trackgraph-dev-backend"]).toBe(undefined);
    expect(h.out).toContain(`   ${groups[0]}: 30 days (was 7 days)`);
    expect(h.out).toContain(`   ${groups[1]}: 30 days (never expired)`);
    // The proxy has not logged yet: its application group is named, for the next deploy.
    expect(h.out).toContain(
      "   /aws/apprunner/trackgraph-dev-proxy/*/application: not made yet (App Runner makes it when the service first logs): deploy again to set it",
    );

    const before = h.out.length;
    await h.run();
    expect(h.out.slice(before).filter((l) => l.includes("days (")).length).toBe(0);
  });
});
