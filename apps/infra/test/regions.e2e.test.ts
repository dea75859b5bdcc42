import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { peerBin } from "@trackgraph/test-peers";
import { describe, expect, it } from "vitest";
import { AWS_REGIONS } from "../src/config/schema.js";

// The config accepts exactly the regions AWS's own SDK data lists for the partitions we deploy to:
// botocore's endpoints.json, from the pinned botocore the moto peer installs.
describe("the config's region list", () => {
  it("equals botocore's regions of the aws, aws-cn and aws-us-gov partitions", async () => {
    const bin = await peerBin("moto");
    const { stdout } = await promisify(execFile)(join(bin, "python"), [
      "-c",
      "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data', 'endpoints.json'))",
    ]);
    const endpoints = JSON.parse(readFileSync(stdout.trim(), "utf8")) as {
      partitions: Array<{ partition: string; regions: Record<string, unknown> }>;
    };
    const known = endpoints.partitions
      .filter((p) => ["aws", "aws-cn", "aws-us-gov"].includes(p.partition))
      .flatMap((p) => Object.keys(p.regions));
    expect([...AWS_REGIONS].sort()).toEqual(known.sort());
  });
});
