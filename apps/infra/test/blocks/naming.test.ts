import { describe, expect, it } from "vitest";
import { boundaryPolicyName, limitName, Naming } from "../../src/blocks/naming.js";

describe("Naming", () => {
  it("names <project>-<stack>-<purpose>", () => {
    expect(new Naming({ project: "trackgraph" }, "dev").name("backend")).toBe("trackgraph-dev-backend");
  });

  it("makes bucket names unique with the account when pinned, else with Terraform's prefix", () => {
    expect(new Naming({ project: "trackgraph", accountId: "123456789012" }, "dev").bucket("logs")).toEqual({
      bucket: "trackgraph-dev-logs-123456789012",
    });
    expect(new Naming({ project: "trackgraph" }, "dev").bucket("logs")).toEqual({
      bucketPrefix: "trackgraph-dev-logs-",
    });
    // S3's limits: 63 characters for a name, 37 for a prefix (Terraform appends 26).
    const long = new Naming({ project: "p".repeat(30), accountId: "123456789012" }, "s".repeat(20));
    expect((long.bucket("spotify-data") as { bucket: string }).bucket).toHaveLength(63);
    const prefixed = new Naming({ project: "p".repeat(30) }, "s".repeat(20)).bucket("spotify-data");
    expect((prefixed as { bucketPrefix: string }).bucketPrefix).toHaveLength(37);
  });

  it("cuts a name to a service's limit without a trailing dash", () => {
    expect(limitName("trackgraph-dev-telemetry-proxy", 15)).toBe("trackgraph-dev");
    expect(limitName("short", 32)).toBe("short");
    expect(boundaryPolicyName("trackgraph")).toBe("trackgraph-workload-boundary");
  });
});
