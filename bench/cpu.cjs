// Loaded into a benchmarked process through NODE_OPTIONS: records the CPU time it used (user + system, in
// microseconds) at exit, which unlike wall time does not grow when other work shares the machine.
const { appendFileSync } = require("node:fs");
const file = process.env.BENCH_CPU_FILE;
if (file)
  process.on("exit", () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage();
    appendFileSync(file, `${userCPUTime + systemCPUTime}\n`);
  });
