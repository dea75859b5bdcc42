import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { peerBin } from "@trackgraph/test-peers";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type AlertingRule, alertRules, RULE_GROUPS, rulesYaml } from "../src/index.js";
import { ALERT_CASES, type AlertCase } from "./rule-cases.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "dashboards-promtool-"));
let promtool: string;

beforeAll(async () => {
  promtool = join(await peerBin("prometheus"), "promtool");
  writeFileSync(join(work, "rules.yaml"), rulesYaml());
});

const RULES = new Map<string, AlertingRule>(alertRules().map((r) => [r.alert, r]));

/**
 * A case's expected alert, completed from its rule: the rule's static labels, and every annotation that
 * is plain text there (templated ones must be in the case).
 */
function expected(c: AlertCase, e: AlertCase["checks"][number]["expect"][number]) {
  const rule = RULES.get(c.alert);
  if (rule === undefined) throw new Error(`no alert ${c.alert}`);
  const annotations: Record<string, string> = { ...e.annotations };
  for (const [key, text] of Object.entries(rule.annotations)) {
    if (key in annotations) continue;
    if (text.includes("{{")) throw new Error(`${c.alert}: "${c.name}" must give the ${key} annotation`);
    annotations[key] = text;
  }
  const labels = Object.fromEntries(Object.entries(rule.labels).filter(([, v]) => v !== undefined));
  return { exp_labels: { ...labels, ...e.labels }, exp_annotations: annotations };
}

function testFile(cases: AlertCase[], evaluationInterval = "1m"): string {
  return stringify(
    {
      rule_files: ["rules.yaml"],
      evaluation_interval: evaluationInterval,
      // Without an order promtool evaluates the groups in map order, a different one each run: recording
      // rules before the alerts that read them keeps every value deterministic.
      group_eval_order: RULE_GROUPS.map((g) => g.name),
      tests: cases.map((c) => ({
        name: `${c.alert}: ${c.name}`,
        interval: "1m",
        input_series: c.series,
        alert_rule_test: c.checks.map((check) => ({
          eval_time: check.at,
          alertname: c.alert,
          exp_alerts: check.expect.map((e) => expected(c, e)),
        })),
      })),
    },
    { lineWidth: 0 },
  );
}

async function promtoolTest(name: string, cases: AlertCase[], evaluationInterval = "1m") {
  const file = join(work, name);
  writeFileSync(file, testFile(cases, evaluationInterval));
  return run(promtool, ["test", "rules", file], { cwd: work, maxBuffer: 64 << 20 }).then(
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
    for (const rule of alertRules()) {
      const checks = ALERT_CASES.filter((c) => c.alert === rule.alert).flatMap((c) => c.checks);
      expect(
        checks.some((c) => c.expect.length > 0),
        `${rule.alert} fires somewhere`,
      ).toBe(true);
      expect(
        checks.some((c) => c.expect.length === 0),
        `${rule.alert} stays quiet somewhere`,
      ).toBe(true);
    }
  });

  it("passes promtool test rules for every case", async () => {
    // One promtool per case, a few at a time: promtool runs the tests of one file one after the other.
    const queue = ALERT_CASES.map((c, i) => ({ c, i }));
    const failures: string[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { c, i } = next;
        const { code, out } = await promtoolTest(`case-${i}.test.yaml`, [c], c.step ?? "1m");
        if (code !== 0 || !/SUCCESS/.test(out)) failures.push(`${c.alert}: ${c.name}\n${out}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("fails promtool when a case expects the wrong outcome (the tests can fail)", async () => {
    const c = ALERT_CASES.find((x) => x.checks.some((k) => k.expect.length > 0)) as AlertCase;
    const inverted = { ...c, checks: c.checks.map((k) => ({ ...k, expect: [] })) };
    const { code, out } = await promtoolTest("inverted.test.yaml", [inverted]);
    expect(code).not.toBe(0);
    expect(out).toMatch(new RegExp(c.alert));
  });

  it("fails promtool when a burn case runs against a budget ten times looser", async () => {
    const loose = rulesYaml().replaceAll(/> (0\.0\d+)/g, (_, t: string) => `> ${Number(t) * 10}`);
    writeFileSync(join(work, "loose.yaml"), loose);
    const c = ALERT_CASES.find((x) => x.alert === "BackendAvailabilityBudgetBurnFast") as AlertCase;
    const file = join(work, "loose.test.yaml");
    writeFileSync(file, testFile([c]).replace("rules.yaml", "loose.yaml"));
    const result = await run(promtool, ["test", "rules", file], { cwd: work }).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(result).not.toBe(0);
  });

  it("fails the inhibition-order cases when each target waits only as long as its source", async () => {
    // The timings before the order was checked: BackendMetricsAbsent 5m, BackendDroppingSpans 10m.
    const shortened = RULE_GROUPS.map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        "alert" in r && r.alert === "BackendMetricsAbsent"
          ? { ...r, for: "5m" }
          : "alert" in r && r.alert === "BackendDroppingSpans"
            ? { ...r, for: "10m" }
            : r,
      ),
    }));
    writeFileSync(join(work, "unordered.yaml"), rulesYaml(shortened));
    const ordering = ALERT_CASES.filter(
      (c) =>
        c.name.startsWith("inhibition order") &&
        c.checks.some((k) => k.at === "25m" && k.expect.length === 0),
    );
    expect(ordering.map((c) => c.alert)).toEqual(["BackendMetricsAbsent", "BackendDroppingSpans"]);
    for (const c of ordering) {
      const quietAtSource = { ...c, checks: c.checks.filter((k) => k.expect.length === 0) };
      const file = join(work, `unordered-${c.alert}.test.yaml`);
      writeFileSync(file, testFile([quietAtSource]).replace("rules.yaml", "unordered.yaml"));
      const out = await run(promtool, ["test", "rules", file], { cwd: work }).then(
        () => "passed",
        (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
      );
      expect(out, c.alert).toMatch(new RegExp(`alertname: ${c.alert}, time: 25m`));
    }
  });
  it("fails the end-of-incident cases when the sources do not keep firing", async () => {
    const unheld = RULE_GROUPS.map((g) => ({
      ...g,
      rules: g.rules.map((r) => {
        if (!("alert" in r)) return r;
        const { keep_firing_for: _dropped, ...rest } = r;
        return rest;
      }),
    }));
    writeFileSync(join(work, "unheld.yaml"), rulesYaml(unheld));
    const sources = ALERT_CASES.filter(
      (c) => c.name.startsWith("end of incident") && c.alert.startsWith("Telemetry"),
    );
    expect(sources.map((c) => c.alert)).toEqual(["TelemetryScraperAbsent", "TelemetryProxyAbsent"]);
    for (const c of sources) {
      const file = join(work, `unheld-${c.alert}.test.yaml`);
      writeFileSync(file, testFile([c]).replace("rules.yaml", "unheld.yaml"));
      const out = await run(promtool, ["test", "rules", file], { cwd: work }).then(
        () => "passed",
        (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
      );
      const lastTargetFiring = c.checks[0]?.at;
      expect(out, c.alert).toMatch(new RegExp(`alertname: ${c.alert}, time: ${lastTargetFiring}`));
    }
  });
});
