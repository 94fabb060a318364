import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readFleetSources } from "../../files/fleetReader";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetSources } from "../../infra/model/fleetShape";
import { addWorktree, assertCommit, removeWorktree, staleWorktrees } from "../../repository/git";
import { cleanUpOnTermination } from "../../runtime/cleanup";
import { codeDigest, lockfileDigest } from "./cache";
import type { StackPlan } from "../semantics/stackPlan";

/** How the base side of a diff is evaluated. */
export type BaseEvaluation =
  /** The base's code is the working tree's: evaluated in this process's pool, which is the same program. */
  | { readonly code: "same" }
  /** The base's own code, in a temporary worktree of the base, sharing this checkout's node_modules. */
  | { readonly code: "own" }
  /** The base's data with the working tree's code, and why its own code could not run. */
  | { readonly code: "head"; readonly reason: string };

export interface BaseCheckout {
  readonly ref: string;
  readonly commit: string;
  readonly directory: string;
  readonly sources: FleetSources;
  /** Digest of the base's code (see codeDigest). */
  readonly code: string;
  readonly evaluation: BaseEvaluation;
  /** Stop removing the checkout on a termination signal (disposeBase removes it). */
  readonly release: () => void;
}

/** The temporary folders this tool makes for a base checkout (under the system's temporary directory). */
const BASE_FOLDER_PREFIX = "altinn-apps-base-";

/** Remove the checkout at `directory` and its temporary folder. */
function removeCheckout(root: string, directory: string): void {
  try {
    removeWorktree(root, directory);
  } finally {
    if (path.basename(path.dirname(directory)).startsWith(BASE_FOLDER_PREFIX))
      rmSync(path.dirname(directory), { recursive: true, force: true });
  }
}

/** What runs killed beyond any cleanup (`kill -9`, a crash) left: their worktrees and temporary folders. */
export function pruneStaleBases(root: string): void {
  for (const directory of staleWorktrees(root)) removeCheckout(root, directory);
}

/**
 * A temporary worktree of the base commit: its owner files and layers, and its own code. `headRoot` is where the
 * running code lives: when the base's code differs from it, the base's own planner runs in the worktree, with this
 * checkout's node_modules linked in when the lockfiles agree (a different lockfile would need an install: then the
 * base's data is evaluated with this code, and the report says so).
 */
export function checkoutBase(root: string, ref: string, headRoot: string, headCode: string): BaseCheckout {
  const commit = assertCommit(root, ref);
  pruneStaleBases(root);
  const directory = path.join(mkdtempSync(path.join(tmpdir(), BASE_FOLDER_PREFIX)), "checkout");
  const release = cleanUpOnTermination(() => removeCheckout(root, directory));
  try {
    addWorktree(root, directory, commit);
  } catch (error) {
    release();
    rmSync(path.dirname(directory), { recursive: true, force: true });
    throw error;
  }
  try {
    return { ...evaluateCheckout(directory, headRoot, headCode), ref, commit, directory, release };
  } catch (error) {
    disposeBase(root, { directory, release });
    throw error;
  }
}

function evaluateCheckout(
  directory: string,
  headRoot: string,
  headCode: string,
): Pick<BaseCheckout, "code" | "evaluation" | "sources"> {
  const code = codeDigest(directory);
  const evaluation = ((): BaseEvaluation => {
    if (code === headCode) return { code: "same" };
    if (!existsSync(path.join(directory, "scripts", "run.mjs")))
      return { code: "head", reason: "the base has no planner of its own (scripts/run.mjs)" };
    if (lockfileDigest(directory) !== lockfileDigest(headRoot))
      return {
        code: "head",
        reason: "package-lock.json changed, and installing the base's dependencies is not done here",
      };
    symlinkSync(path.join(headRoot, "node_modules"), path.join(directory, "node_modules"), "dir");
    return { code: "own" };
  })();
  return { sources: readFleetSources(directory), code, evaluation };
}

export function disposeBase(root: string, checkout: Pick<BaseCheckout, "directory" | "release">): void {
  try {
    removeCheckout(root, checkout.directory);
  } finally {
    checkout.release();
  }
}

/** Plans of `stacks` by the base's own `npm run plan` (its JSON output), in the base's worktree. */
export function planWithBaseCode(
  checkout: BaseCheckout,
  stacks: readonly string[],
  options: { readonly today: IsoDate; readonly firstPreview: boolean; readonly workers?: number },
): Promise<StackPlan[]> {
  const args = [
    path.join(checkout.directory, "scripts", "run.mjs"),
    "plan",
    "--root",
    checkout.directory,
    "--format",
    "json",
    "--today",
    options.today,
    ...(options.firstPreview ? ["--first-preview"] : []),
    ...(options.workers ? ["--workers", String(options.workers)] : []),
    "--stack",
    ...stacks,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: checkout.directory, maxBuffer: 1024 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          const plans = (JSON.parse(stdout) as { stacks: StackPlan[] }).stacks;
          const byStack = new Map(plans.map((plan) => [plan.stack, plan]));
          resolve(
            stacks.map((stack) => {
              const plan = byStack.get(stack);
              if (!plan) throw new Error(`no plan for ${stack}`);
              return plan;
            }),
          );
        } catch (parseError) {
          const cause = error ? `${error.message}\n${stderr}` : (parseError as Error).message;
          reject(new Error(`the base's own plan (${checkout.commit.slice(0, 7)}) failed: ${cause.trim()}`));
        }
      },
    );
  });
}
