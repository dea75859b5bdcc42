// Reads a V8 CPU profile (the `.cpuprofile` JSON) and says where the time went: self time by package and
// the functions with the most self time. Used by `pnpm bench --profile`, and on its own:
//   node bench/profile-summary.mjs <file.cpuprofile> [requests served while profiling]
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const VM_STATES = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** The package a script belongs to: `@scope/name` from node_modules, node's own modules, or the app. */
export function packageOf(url, functionName) {
  if (url === "" || url === undefined) return VM_STATES.has(functionName) ? functionName : "(native)";
  if (url.startsWith("node:")) return "node (built-in modules)";
  const inModules = url.lastIndexOf("/node_modules/");
  if (inModules >= 0) {
    const parts = url.slice(inModules + "/node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.includes("/otel-bootstrap/")) return "@trackgraph/otel-bootstrap";
  if (url.includes("/backend-otel/")) return "@trackgraph/backend-otel";
  return url;
}

/** Self time (µs) per profile node, from the sample list and the time between samples. */
function selfTimes(profile) {
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one (the last sample has none).
    const delta = timeDeltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + delta);
  }
  return self;
}

function addTo(map, key, value) {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** Self time (µs) grouped by package and by function (name, package, file and line). */
export function summarizeProfile(profile) {
  const self = selfTimes(profile);
  const byPackage = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const time = self.get(node.id) ?? 0;
    if (time === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    addTo(byPackage, pkg, time);
    if (pkg !== "(idle)") busy += time;
    const file = url ? url.slice(url.lastIndexOf("/") + 1) : "";
    addTo(byFunction, `${functionName || "(anonymous)"}  [${pkg}] ${file}:${lineNumber + 1}`, time);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { busy, packages: sorted(byPackage), functions: sorted(byFunction) };
}

const isOpenTelemetry = (pkg) => pkg.startsWith("@opentelemetry/") || pkg === "@trackgraph/otel-bootstrap";

/** Printable lines: packages by share of busy time (and µs per request when `requests` is known), top functions. */
export function formatSummary(summary, { requests, top = 15 } = {}) {
  const perRequest = (us) => (requests ? `  ${(us / requests).toFixed(1).padStart(6)} µs/request` : "");
  const pct = (us) => `${((us / summary.busy) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `busy CPU ${(summary.busy / 1e6).toFixed(2)} s${requests ? ` for ${requests} requests` : ""}`,
  ];
  const otel = summary.packages.filter(([pkg]) => isOpenTelemetry(pkg)).reduce((n, [, us]) => n + us, 0);
  lines.push(`OpenTelemetry (all @opentelemetry/* and the bootstrap): ${pct(otel)}${perRequest(otel)}`);
  lines.push("self time by package:");
  for (const [pkg, us] of summary.packages.filter(([pkg]) => pkg !== "(idle)").slice(0, top))
    lines.push(`  ${pct(us)}${perRequest(us)}  ${pkg}`);
  lines.push("top functions by self time:");
  for (const [fn, us] of summary.functions.filter(([fn]) => !fn.startsWith("(idle)")).slice(0, top))
    lines.push(`  ${pct(us)}${perRequest(us)}  ${fn}`);
  lines.push("OpenTelemetry functions by self time:");
  const otelFunctions = summary.functions.filter(([fn]) =>
    /\[(@opentelemetry\/|@trackgraph\/otel-bootstrap)/.test(fn),
  );
  for (const [fn, us] of otelFunctions.slice(0, top)) lines.push(`  ${pct(us)}${perRequest(us)}  ${fn}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node bench/profile-summary.mjs <file.cpuprofile> [requests]\n");
    process.exit(2);
  }
  let profile;
  try {
    profile = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    process.stderr.write(`profile-summary: cannot read ${file} as a CPU profile: ${error.message}\n`);
    process.exit(1);
  }
  if (!Array.isArray(profile?.nodes) || !Array.isArray(profile?.samples)) {
    process.stderr.write(`profile-summary: ${file} has no nodes and samples: not a V8 CPU profile\n`);
    process.exit(1);
  }
  const summary = summarizeProfile(profile);
  for (const line of formatSummary(summary, { requests: requests ? Number(requests) : undefined }))
    console.log(line);
}
