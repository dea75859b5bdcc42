// The e2e tier in two lanes on a 2-core machine. The validate workspace, whose alert tests spend six minutes
// waiting on the local plane's clocks (alert windows and group waits: about a fifth of a core), runs in one
// lane; the other workspaces (checkov, the Lambda bundle, promtool, the plane's own tests) one after the
// other in the second. With both plane workspaces in the first lane it took 617 s beside the second's 308 s.
// Before the lanes start, every peer is installed once (the installs never race) and every workspace is built
// once, image contexts included (two Turbo runs never build the same package at once). Prints each phase's
// wall time.
//
//   node scripts/e2e.mjs            the tier in two lanes
//   node scripts/e2e.mjs --serial   the tier one workspace at a time (the old way; to compare)
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The workspaces that spend the tier waiting for the plane's clocks, not computing. */
const WAITING_LANE = ["@trackgraph/validate"];

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--serial");
if (unknown.length > 0) {
  console.error(`e2e: unknown argument ${unknown[0]} (usage: node scripts/e2e.mjs [--serial])`);
  process.exit(2);
}
const serial = args.includes("--serial");

/** Runs a command with the terminal's stderr (and stdout unless `quiet`); resolves to its exit code. */
function run(command, commandArgs, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
    child.on("error", (error) => {
      console.error(`e2e: ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const figures = [];
async function phase(name, work) {
  const started = performance.now();
  const code = await work();
  figures.push(`${name.padEnd(34)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s`);
  if (code !== 0) console.error(`e2e: ${name} failed (exit ${code})`);
  return code;
}

/** Every workspace with a test:e2e script. */
function e2eWorkspaces() {
  const names = [];
  for (const group of ["apps", "packages"]) {
    for (const dir of readdirSync(group)) {
      const manifest = JSON.parse(readFileSync(join(group, dir, "package.json"), "utf8"));
      if (manifest.scripts?.["test:e2e"] !== undefined) names.push(manifest.name);
    }
  }
  return names;
}

const turbo = (...rest) => run("pnpm", ["exec", "turbo", "run", ...rest]);
const filters = (names) => names.map((n) => `--filter=${n}`);

/**
 * Installs every peer once. The two Debian packages one after the other (a fresh machine's first
 * download runs apt-get update, which takes a lock); the Python venvs and the collector build beside them.
 */
function preparePeers() {
  // Each script prints its peer's path on stdout, for the tests; here only their install logs matter.
  const bash = (...script) => run("bash", script, { quiet: true });
  return Promise.all([
    bash("scripts/peers/prometheus.sh").then((c) => (c === 0 ? bash("scripts/peers/alertmanager.sh") : c)),
    bash("scripts/peers/python-peers.sh", "moto"),
    bash("scripts/peers/python-peers.sh", "checkov"),
    bash("apps/collector/scripts/build-collector.sh"),
  ]).then((codes) => codes.find((c) => c !== 0) ?? 0);
}

const started = performance.now();
let code = await phase("peers (install or reuse)", () => preparePeers());
const workspaces = e2eWorkspaces();
// The image contexts too (`container`): the infra and validate tests synthesize stacks that deploy them, and
// with --only the lanes run no dependency of their own.
if (code === 0) code = await phase("build", () => turbo("build", "container", ...filters(workspaces)));
if (code === 0) {
  if (serial) {
    code = await phase("lane: every workspace", () =>
      turbo("test:e2e", "--only", "--concurrency=1", ...filters(workspaces)),
    );
  } else {
    const waiting = workspaces.filter((w) => WAITING_LANE.includes(w));
    const computing = workspaces.filter((w) => !WAITING_LANE.includes(w));
    // A turbo run with no --filter runs every workspace: an empty lane would run the tier twice at once.
    if (waiting.length !== WAITING_LANE.length || computing.length === 0) {
      console.error(
        `e2e: the lanes need ${WAITING_LANE.join(", ")} and one more workspace with a test:e2e script (found: ${workspaces.join(", ")})`,
      );
      process.exit(2);
    }
    // Both lanes run to the end, so one lane's failure does not hide the other's.
    const codes = await Promise.all([
      phase(`lane: ${waiting.map((w) => w.split("/")[1]).join(", ")}`, () =>
        turbo("test:e2e", "--only", "--concurrency=1", ...filters(waiting)),
      ),
      phase("lane: the other workspaces", () =>
        turbo("test:e2e", "--only", "--concurrency=1", ...filters(computing)),
      ),
    ]);
    code = codes.find((c) => c !== 0) ?? 0;
  }
}
figures.push(`${"e2e tier".padEnd(34)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s`);
console.log(`\ne2e tier wall time (${serial ? "serial" : "two lanes"}):\n  ${figures.join("\n  ")}`);
process.exit(code);
