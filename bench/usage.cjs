// Loaded into every benchmarked process (and its workers) through NODE_OPTIONS: records its peak memory at exit.
const { appendFileSync } = require("node:fs");
const file = process.env.BENCH_USAGE_FILE;
if (file) process.on("exit", () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
