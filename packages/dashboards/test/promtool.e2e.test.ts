import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { peerBin } from "@trackgraph/test-peers";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ALERTING_RULES, rulesYaml } from "../src/index.js";
import { ALERT_CASES, type AlertCase } from "./rule-cases.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "dashboards-promtool-"));
let promtool: string;

beforeAll(async () => {
  promtool = join(await peerBin("prometheus"), "promtool");
  writeFileSync(join(work, "rules.yaml"), rulesYaml());
});

function testFile(cases: AlertCase[]): string {
  return stringify(
    {
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: cases.map((c) => ({
        name: `${c.alert}: ${c.name}`,
        interval: "1m",
        input_series: c.series,
        alert_rule_test: [
          {
            eval_time: c.evalTime,
            alertname: c.alert,
            exp_alerts: c.expect.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })),
          },
        ],
      })),
    },
    { lineWidth: 0 },
  );
}

async function promtoolTest(name: string, cases: AlertCase[]) {
  const file = join(work, name);
  writeFileSync(file, testFile(cases));
  return run(promtool, ["test", "rules", file], { cwd: work }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

describe("the Prometheus rules, checked by promtool (Debian's prometheus package)", () => {
  it("promtool check rules accepts the rule file", async () => {
    const { stdout } = await run(promtool, ["check", "rules", join(work, "rules.yaml")]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("has a firing and a quiet promtool case for every alert", () => {
    for (const rule of ALERTING_RULES.rules) {
      if (!("alert" in rule)) continue;
      const cases = ALERT_CASES.filter((c) => c.alert === rule.alert);
      expect(
        cases.some((c) => c.expect.length > 0),
        `${rule.alert} fires somewhere`,
      ).toBe(true);
      expect(
        cases.some((c) => c.expect.length === 0),
        `${rule.alert} stays quiet somewhere`,
      ).toBe(true);
    }
  });

  it("passes promtool test rules for every case", async () => {
    const { code, out } = await promtoolTest("alerts.test.yaml", ALERT_CASES);
    expect(out, out).toMatch(/SUCCESS/);
    expect(code).toBe(0);
  });

  it("fails promtool when a case expects the wrong outcome (the tests can fail)", async () => {
    const firing = ALERT_CASES.find((c) => c.expect.length > 0) as AlertCase;
    const { code, out } = await promtoolTest("inverted.test.yaml", [{ ...firing, expect: [] }]);
    expect(code).not.toBe(0);
    expect(out).toMatch(new RegExp(firing.alert));
  });
});
