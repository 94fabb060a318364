// Loaded into every benchmarked process (and its workers) through NODE_OPTIONS: records its peak memory (KiB) and the
// CPU time it used (user + system, µs) at exit; CPU time, unlike wall time, does not grow when others share the machine.
const { appendFileSync } = require("node:fs");
const file = process.env.BENCH_USAGE_FILE;
if (file)
  process.on("exit", () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    appendFileSync(file, `${maxRSS} ${userCPUTime + systemCPUTime}\n`);
  });
