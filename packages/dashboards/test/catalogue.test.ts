import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  alertRules,
  COMPONENTS,
  catalogueAlerts,
  catalogueMarkdown,
  cloudWatchAlarms,
  FAILURE_MODES,
  grafanaAlertNames,
  grafanaDatasourceAlerts,
  notifyingAlarms,
  RUNBOOK_DIR,
  runbookPath,
  withCatalogue,
} from "../src/index.js";
import { TARGETS } from "./targets.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

/** Every alarm any configuration can make: both platforms, every optional alarm on. */
const alarmSpecs = [
  ...cloudWatchAlarms(TARGETS),
  ...cloudWatchAlarms({
    ...TARGETS,
    backend: {
      platform: "ecs-express",
      clusterName: "c",
      serviceName: "s",
      maxInstances: 4,
      loadBalancer: { loadBalancer: "app/x/1", targetGroup: "targetgroup/y/2" },
    },
  }),
];

/** Every alert that notifies someone, by source. */
const defined = {
  prometheus: alertRules().map((r) => ({ alert: r.alert, severity: r.labels.severity })),
  cloudwatch: [
    ...new Map(
      notifyingAlarms(alarmSpecs).map((s) => [s.id, { alert: s.id, severity: s.severity }]),
    ).values(),
  ],
  grafana: grafanaDatasourceAlerts({ folderUid: "f", region: "eu-west-1", logParserFunction: "fn" }).rule.map(
    (r) => ({ alert: r.name, severity: r.labels.severity }),
  ),
};

const runbooks = readdirSync(`${root}${RUNBOOK_DIR}`)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .map((f) => f.replace(/\.md$/, ""));

describe("the failure-mode catalogue", () => {
  it("covers every component the issue names, each with at least one failure mode", () => {
    for (const c of COMPONENTS)
      expect(
        FAILURE_MODES.some((m) => m.component === c),
        c,
      ).toBe(true);
  });

  it("has a row for every alert, of the same severity (every AMP rule, CloudWatch alarm and Grafana rule)", () => {
    const rows = catalogueAlerts();
    for (const [source, alerts] of Object.entries(defined))
      for (const a of alerts) {
        const row = rows.find((r) => r.alert === a.alert);
        expect(row, `${source} ${a.alert} has no catalogue row`).toBeDefined();
        expect(row?.source, a.alert).toBe(source);
        expect(row?.severity, a.alert).toBe(a.severity);
      }
  });

  it("names only alerts that exist: every row has its alert", () => {
    for (const row of catalogueAlerts())
      expect(
        defined[row.source].some((a) => a.alert === row.alert),
        `${row.source} alert ${row.alert}`,
      ).toBe(true);
  });

  it("gives every alert a runbook, and no runbook is orphaned", () => {
    const alerts = catalogueAlerts().map((r) => r.alert);
    for (const a of alerts) expect(existsSync(`${root}${runbookPath(a)}`), runbookPath(a)).toBe(true);
    expect(runbooks.filter((r) => !alerts.includes(r))).toEqual([]);
    expect(grafanaAlertNames().every((n) => runbooks.includes(n))).toBe(true);
  });

  it("has runbooks that say what it means, how to check, and how to silence", () => {
    for (const r of runbooks) {
      const text = readFileSync(`${root}${RUNBOOK_DIR}/${r}.md`, "utf8");
      expect(text.startsWith(`# ${r}\n`), r).toBe(true);
      for (const section of ["## What it means", "## First checks", "## Silence it"])
        expect(text, `${r}: ${section}`).toContain(section);
    }
  });

  it("is the README's table (regenerate with pnpm catalogue:readme)", () => {
    expect(withCatalogue(readme)).toBe(readme);
    expect(readme).toContain(catalogueMarkdown());
  });
});
