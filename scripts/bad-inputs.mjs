// Runs the repository's commands with bad input and tabulates what each does: the exit code, the first
// line it prints on stderr, and whether it left output behind. `--write` puts the table into the root
// README between its markers; `--check` (in .ci/run) fails when the README's table is not what a run
// gives. Needs the workspaces built (`pnpm build`, the image contexts). Every case runs the built entry
// point the pnpm script ends in, so the table is about our code, not Turbo's output.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "bad-inputs-"));
const file = (name, text) => {
  const path = join(work, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const configDir = (name, text) => {
  const dir = join(work, `config-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "prod.json"), text);
  return dir;
};
const synth = (dir) => ({ TRACKGRAPH_CONFIG_DIR: dir, CDKTF_OUTDIR: join(dir, "out") });
const synthLeft = (dir) => () => existsSync(join(dir, "out", "stacks", "prod"));

/** Half of a gzip stream (varied text, so the half ends inside the deflate data). */
function truncatedGzip() {
  const whole = gzipSync(Array.from({ length: 5000 }, (_, i) => `line ${i * 7919}`).join("\n"));
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** Each case: the command as a user types it, the input, and how to run the built entry point. */
const CASES = [
  {
    command: "pnpm synth",
    input: "region `zz-nowhere-9`",
    argv: ["apps/infra/dist/main.js"],
    env: synth(configDir("region", '{"trackgraph":{"region":"zz-nowhere-9"}}')),
  },
  {
    command: "pnpm synth",
    input: "tag key `aws:team`",
    argv: ["apps/infra/dist/main.js"],
    env: synth(configDir("tag", '{"trackgraph":{"tags":{"aws:team":"x"}}}')),
  },
  {
    command: "pnpm synth",
    input: "a config nested 100,000 levels deep",
    argv: ["apps/infra/dist/main.js"],
    env: synth(configDir("deep", `{"trackgraph":{"tags":${"[".repeat(100000)}${"]".repeat(100000)}}}`)),
  },
  {
    command: "pnpm synth",
    input: "a config that is not JSON",
    argv: ["apps/infra/dist/main.js"],
    env: synth(configDir("json", '{"trackgraph": {')),
  },
  {
    command: "pnpm synth -- --stack nope",
    input: "a stack with no config file",
    argv: ["apps/infra/dist/main.js", "--stack", "nope"],
    env: synth(configDir("nope", '{"trackgraph":{}}')),
  },
  {
    command: "pnpm synth",
    input: "a config folder with no stack file",
    argv: ["apps/infra/dist/main.js"],
    env: (() => {
      const dir = join(work, "config-empty");
      mkdirSync(dir, { recursive: true });
      return synth(dir);
    })(),
  },
  {
    command: "pnpm synth -- --stak dev",
    input: "an unknown option",
    argv: ["apps/infra/dist/main.js", "--stak", "dev"],
    env: synth(configDir("stak", '{"trackgraph":{}}')),
  },
  {
    command: "pnpm synth -- --stack ../config/dev",
    input: "a path for a stack name",
    argv: ["apps/infra/dist/main.js", "--stack", "../config/dev"],
    env: synth(configDir("path", '{"trackgraph":{}}')),
  },
  {
    command: "pnpm synth",
    input: "image tag `latest`",
    argv: ["apps/infra/dist/main.js"],
    env: synth(
      configDir("latest", '{"trackgraph":{"backend":{"image":{"repository":"backend","tag":"latest"}}}}'),
    ),
  },
  {
    command: "pnpm infra:diff --base nope-ref",
    input: "a ref that is no commit",
    argv: ["apps/infra/dist/infra-diff.js", "--base", "nope-ref"],
  },
  { command: "pnpm infra:diff", input: "no `--base`", argv: ["apps/infra/dist/infra-diff.js"] },
  {
    command: "pnpm infra:diff --base REF --bogus",
    input: "an unknown option",
    argv: ["apps/infra/dist/infra-diff.js", "--base", "HEAD", "--bogus"],
  },
  {
    command: "pnpm -s cf-logs frobnicate",
    input: "an unknown command",
    argv: ["packages/cloudfront-logs/dist/cli.js", "frobnicate"],
  },
  {
    command: "pnpm -s cf-logs summarize FILE",
    input: "a log whose every line is malformed",
    argv: [
      "packages/cloudfront-logs/dist/cli.js",
      "summarize",
      file("malformed.log", "not a log line\nnor this\n"),
    ],
  },
  {
    command: "pnpm -s cf-logs summarize FILE",
    input: "a file that does not exist",
    argv: ["packages/cloudfront-logs/dist/cli.js", "summarize", join(work, "missing.log.gz")],
  },
  {
    command: "pnpm -s cf-logs summarize FILE",
    input: "a truncated gzip file",
    argv: ["packages/cloudfront-logs/dist/cli.js", "summarize", file("truncated.gz", truncatedGzip())],
  },
  {
    command: "pnpm run deploy --stack nope",
    input: "a stack with no config file",
    argv: ["apps/deploy/dist/cli.js", "deploy", "--stack", "nope"],
  },
  {
    command: "pnpm run deploy --stack dev --dryrun",
    input: "an unknown option",
    argv: ["apps/deploy/dist/cli.js", "deploy", "--stack", "dev", "--dryrun"],
  },
  { command: "pnpm run preflight", input: "no `--stack`", argv: ["apps/deploy/dist/cli.js", "preflight"] },
  {
    command: "pnpm dashboards:export --out DIR",
    input: "`/proc/x` (cannot be created)",
    argv: ["packages/dashboards/dist/export-cli.js", "--out", "/proc/x"],
    left: () => existsSync("/proc/x"),
  },
  {
    command: "pnpm dashboards:export",
    input: "no `--out`",
    argv: ["packages/dashboards/dist/export-cli.js"],
  },
  {
    command: "pnpm dashboards:export --out DIR --region R",
    input: "a region that is none",
    argv: ["packages/dashboards/dist/export-cli.js", "--out", join(work, "export"), "--region", "mars"],
    left: () => existsSync(join(work, "export")),
  },
  {
    command: "node --import @trackgraph/otel-bootstrap/register dist/server.js",
    input: "`OTEL_TRACES_SAMPLER_ARG=abc` (the backend)",
    argv: ["--import", "./packages/otel-bootstrap/dist/register.js", "apps/backend-otel/dist/server.js"],
    env: {
      OTEL_TRACES_SAMPLER_ARG: "abc",
      OTEL_SERVICE_NAME: "trackgraph-backend",
      METRICS_TOKEN: "bad-inputs-metrics-token-0123",
      DATA_SOURCE: "local",
      DATA_DIR: "apps/backend-otel/fixtures/history",
    },
  },
  {
    command: "pnpm validate --against nowhere",
    input: "an unknown target",
    argv: ["apps/validate/dist/cli.js", "--against", "nowhere"],
  },
  {
    command: "pnpm validate --against aws --stack S --outputs FILE",
    input: "an outputs file that is not JSON",
    argv: [
      "apps/validate/dist/cli.js",
      "--against",
      "aws",
      "--stack",
      "dev",
      "--region",
      "eu-west-1",
      "--outputs",
      file("outputs.json", '{"backend_url": '),
    ],
  },
];

function run(c) {
  const started = performance.now();
  const result = spawnSync(process.execPath, c.argv, {
    cwd: root,
    env: { ...process.env, ...(c.env ?? {}), INIT_CWD: work },
    encoding: "utf8",
    timeout: 30_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const lines = `${result.stderr ?? ""}`.split("\n").filter((l) => l.trim() !== "");
  const timedOut = result.error?.code === "ETIMEDOUT";
  const left = (
    c.left ?? (c.env?.TRACKGRAPH_CONFIG_DIR ? synthLeft(c.env.TRACKGRAPH_CONFIG_DIR) : () => false)
  )();
  return {
    exit: timedOut ? "timed out (30 s)" : String(result.status),
    // Two lines: a config error names the file, then the key and value.
    first: (lines.slice(0, 2).join(" ⏎ ") || "(nothing)").replaceAll(work, "<tmp>").replaceAll("|", "\\|"),
    more: lines.length > 2 ? ` (+${lines.length - 2} lines)` : "",
    trace: lines.some((l) => /^\s+at /.test(l)) ? "yes" : "no",
    left: left ? "yes" : "no",
    seconds,
  };
}

const rows = CASES.map((c) => ({ c, r: run(c) }));
const table = [
  "| Command | Input | Exit | What it says (first lines of stderr) | Stack trace | Output left |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows.map(
    ({ c, r }) =>
      `| \`${c.command}\` | ${c.input} | ${r.exit} | ${r.first}${r.more} | ${r.trace} | ${r.left} |`,
  ),
].join("\n");

const readmePath = join(root, "README.md");
const START = "<!-- bad-inputs:start (scripts/bad-inputs.mjs --write) -->";
const END = "<!-- bad-inputs:end -->";
const mode = process.argv[2];
if (mode === "--write" || mode === "--check") {
  const readme = readFileSync(readmePath, "utf8");
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) {
    console.error(`bad-inputs: README.md has no ${START} ... ${END} block`);
    process.exit(2);
  }
  const next = `${readme.slice(0, i + START.length)}\n${table}\n${readme.slice(j)}`;
  if (mode === "--write") writeFileSync(readmePath, next);
  else if (next !== readme) {
    console.error(
      "bad-inputs: the README's table is not what the commands do now; run node scripts/bad-inputs.mjs --write",
    );
    console.error(table);
    process.exit(1);
  }
}
const slow = rows.filter(({ r }) => r.seconds > 5).map(({ c }) => c.command);
const bad = rows.filter(
  ({ r }) => r.exit === "0" || r.trace === "yes" || r.left === "yes" || r.exit.startsWith("timed"),
);
console.log(
  mode === undefined
    ? table
    : `bad-inputs: ${rows.length} cases, README ${mode === "--write" ? "written" : "current"}`,
);
if (slow.length > 0) console.error(`bad-inputs: slower than 5 s: ${slow.join(", ")}`);
for (const { c, r } of bad)
  console.error(
    `bad-inputs: ${c.command} with ${c.input}: exit ${r.exit}, trace ${r.trace}, output left ${r.left}`,
  );
rmSync(work, { recursive: true, force: true });
process.exitCode = bad.length > 0 && mode === "--check" ? 1 : process.exitCode;
