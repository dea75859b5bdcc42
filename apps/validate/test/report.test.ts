import { Readable } from "node:stream";
import { summarizeLog } from "@trackgraph/cloudfront-logs";
import { describe, expect, it } from "vitest";
import { CheckFailed, formatReport, syntheticLog } from "../src/index.js";
import { runCheck } from "../src/report.js";

describe("the report", () => {
  it("prints each check's sent, found, cause and timing, and the verdict", async () => {
    const results = [
      await runCheck("one", "a request", async () => "a trace"),
      await runCheck("two", "a query", async () => {
        throw new CheckFailed("no data", "metric x is not in Prometheus");
      }),
      await runCheck("three", "a log", async () => {
        throw new Error("moto is down");
      }),
    ];
    const report = formatReport(results, 1234);
    expect(report).toMatch(/^PASS {2}1\. one {2}\(\d+\.\d s\)\n {6}sent: {2}a request\n {6}found: a trace$/m);
    expect(report).toContain("FAIL  2. two");
    expect(report).toContain("      cause: metric x is not in Prometheus");
    expect(report).toContain("FAIL  3. three");
    expect(report).toContain("      found: the check could not run\n      cause: moto is down");
    expect(report.split("\n").at(-1)).toBe("validate: 2 of 3 checks failed; setup 1.2 s");
  });
});

describe("syntheticLog", () => {
  it("is a CloudFront standard log the parser reads in full, named as CloudFront names objects", async () => {
    const log = syntheticLog(120, new Date("2026-11-25T10:30:00Z"));
    expect(log.fileName).toMatch(new RegExp(`^${log.distributionId}\\.2026-11-25-10\\.[0-9a-f]{8}\\.gz$`));
    const summary = await summarizeLog(Readable.from([log.body]));
    expect(summary).toMatchObject({ records: 120, malformed: 0 });
    const minutes = summary.aggregate.minutes().map((m) => m.minute);
    for (const minute of minutes) {
      expect(minute).toBeGreaterThanOrEqual(log.from.getTime());
      expect(minute).toBeLessThanOrEqual(log.to.getTime());
    }
  });
});
