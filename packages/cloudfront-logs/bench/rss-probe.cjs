// Preloaded into a measured CLI run (`node --require`): on exit, writes its wall time and peak RSS to fd 3.
const { writeSync } = require("node:fs");
const started = process.hrtime.bigint();
process.on("exit", () => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  writeSync(3, JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
});
