// The plan room owns the options of planning (the cache and the worker pool): every command that plans stacks (plan,
// pr-comment) adds them from here, so no command imports another command's options.
import { lstatSync } from "node:fs";
import * as path from "node:path";
import { Option, type Command } from "commander";
import { integerOption, UsageError } from "../cli/cli";
import type { IsoDate } from "../infra/model/dates";
import { REPO_ROOT } from "../repository/root";
import { PlanCache } from "./engine/cache";
import type { PlanningOptions } from "./engine/compare";

/** The default plan cache: with the dependencies, so CI restores it with them (actions/cache) and `npm ci` drops it. */
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "altinn-apps-plan");

function progress(planned: number, total: number): void {
  if (process.stderr.isTTY)
    process.stderr.write(`\rplanned ${planned}/${total} stacks${planned === total ? "\n" : ""}`);
}

/** The options every command that plans stacks shares: the cache and the pool. */
export function withPlanningOptions(command: Command): Command {
  return command
    .option("--no-cache", "evaluate every stack, ignoring and not filling the plan cache")
    .addOption(
      // The default's description, not its absolute path: the generated CLI reference is the same on every machine.
      new Option("--cache-dir <dir>", "where plans are cached by content").default(
        DEFAULT_CACHE_DIR,
        "node_modules/.cache/altinn-apps-plan",
      ),
    )
    .addOption(integerOption("--workers <count>", "worker processes (default: one per core)", 1, 64));
}

export function planningOptions(options: {
  today: IsoDate;
  firstPreview?: boolean;
  workers?: number;
  cache: boolean;
  cacheDir: string;
}): PlanningOptions {
  if (options.cache) assertCacheDirectory(options.cacheDir);
  return {
    today: options.today,
    firstPreview: options.firstPreview ?? false,
    workers: options.workers,
    cache: options.cache ? new PlanCache(options.cacheDir) : undefined,
    onProgress: progress,
  };
}

/** `--cache-dir`: a directory, or nothing yet (it is made on first use); a file or a link to one is a usage error. */
export function assertCacheDirectory(directory: string): void {
  let stats;
  try {
    stats = lstatSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new UsageError(
      `option '--cache-dir ${directory}': cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (!stats.isDirectory())
    throw new UsageError(`option '--cache-dir ${directory}': is not a directory (a plan cache is a folder of files)`);
}
