import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../repository/root";

// How every benchmark row is measured: cold Node processes of the npm scripts users run, medians, seconds.

export interface Measurement {
  readonly wallSeconds: number;
  /** The largest resident set of any process the command started (workers included), in MiB. */
  readonly peakMiB: number;
  /** CPU time (user + system) of the command's processes, workers included, in seconds. */
  readonly cpuSeconds: number;
}

const USAGE_HOOK = path.join(__dirname, "usage.cjs");
/** The Node arguments of an npm script, read from package.json so the benchmark measures exactly what users run. */
export function npmScript(name: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts;
  const [program, ...args] = (scripts[name] ?? "").split(" ");
  if (program !== "node") throw new Error(`npm script ${name} does not start with node: ${scripts[name]}`);
  return args;
}

/** Run `node <args>` in a cold process (as CI and a developer would), timing it and collecting peak memory. */
export function measure(args: readonly string[]): Measurement {
  const usageFile = path.join(mkdtempSync(path.join(tmpdir(), "bench-usage-")), "rss");
  writeFileSync(usageFile, "");
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: `--require ${USAGE_HOOK}`, BENCH_USAGE_FILE: usageFile },
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout.slice(-2000)}`);
  const usages = readFileSync(usageFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ").map(Number));
  rmSync(path.dirname(usageFile), { recursive: true });
  return {
    wallSeconds,
    peakMiB: Math.max(...usages.map(([rss = 0]) => rss)) / 1024,
    cpuSeconds: usages.reduce((total, [, cpu = 0]) => total + cpu, 0) / 1e6,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function medianOf(runs: number, run: () => Measurement): Measurement {
  const measurements = Array.from({ length: runs }, run);
  return {
    wallSeconds: median(measurements.map((measurement) => measurement.wallSeconds)),
    peakMiB: Math.max(...measurements.map((measurement) => measurement.peakMiB)),
    cpuSeconds: median(measurements.map((measurement) => measurement.cpuSeconds)),
  };
}

export const seconds = (value: number) => value.toFixed(2);
