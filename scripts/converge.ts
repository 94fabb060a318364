import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { readFleetSources } from "../files/fleetReader";
import {
  commitsNeedingPlans,
  decideDeployments,
  DEPLOYED_COMMIT_TAG,
  type ChangesSince,
  type Decision,
} from "../deploy/convergence";
import { planWaves, waveOutputs } from "../deploy/waves";
import {
  EXIT,
  formatOption,
  integerOption,
  parseCommandLine,
  todayOption,
  UsageError,
  withExitCodes,
} from "../cli/cli";
import { changedFilesSince } from "../repository/git";
import { code, raw, table } from "../cli/markdown";
import { diffAgainstBase } from "../plan/engine/compare";
import { allStacks } from "../plan/engine/select";
import { REPO_ROOT, rootOption } from "../repository/root";
import type { IsoDate } from "../infra/model/dates";
import { planningOptions, withPlanningOptions } from "../plan/planningOptions";

interface Options {
  deployed: string;
  stacks?: string[];
  only?: string[];
  canary: string[];
  batchSize: number;
  batchSlots: number;
  format: "outputs" | "json" | "markdown";
  today: IsoDate;
  cache: boolean;
  cacheDir: string;
  workers?: number;
  root: string;
}

const COMMIT = /^[0-9a-f]{40}$/;

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The deployed commits file: `{ "<stack>": "<40-hex commit>" | "" }`, as the workflow read the stack tags. */
function readDeployed(file: string): Record<string, string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file}: not a JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${file}: expected an object of stack → deployed commit`);
  }
  const problems: string[] = [];
  const deployed: Record<string, string | undefined> = {};
  for (const [stack, commit] of Object.entries(parsed)) {
    if (commit === "" || commit === null) deployed[stack] = undefined;
    else if (typeof commit === "string" && COMMIT.test(commit)) deployed[stack] = commit;
    else problems.push(`${file}: ${stack}: ${DEPLOYED_COMMIT_TAG} is not a full commit SHA`);
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return deployed;
}

/** What changed since each deployed commit that main's history holds (git), and the plan differences where needed. */
async function changesSince(
  options: Options,
  main: string,
  deployed: Record<string, string | undefined>,
): Promise<Record<string, ChangesSince>> {
  const inHistory = (commit: string) => {
    try {
      git(options.root, ["merge-base", "--is-ancestor", commit, main]);
      return true;
    } catch {
      return false;
    }
  };
  const files = new Map<string, string[]>();
  for (const commit of new Set(Object.values(deployed))) {
    if (commit && commit !== main && inHistory(commit)) files.set(commit, changedFilesSince(options.root, commit));
  }
  const since: Record<string, ChangesSince> = {};
  for (const [commit, changedFiles] of files) since[commit] = { changedFiles };
  const planning = planningOptions(options);
  for (const commit of commitsNeedingPlans(deployed, main, (commit) => files.get(commit))) {
    const stacks = Object.keys(deployed).filter((stack) => deployed[stack] === commit);
    const report = await diffAgainstBase({
      ...planning,
      root: options.root,
      codeRoot: REPO_ROOT,
      base: commit,
      stacks,
    });
    since[commit] = {
      changedFiles: files.get(commit) ?? [],
      planDiffers: report.stacks.filter((stack) => stack.status !== "unmanaged").map((stack) => stack.stack),
    };
  }
  return since;
}

function markdown(main: string, decisions: readonly Decision[]): string {
  const shown = decisions.filter((decision) => decision.verdict !== "current");
  const deploying = decisions.filter((decision) => decision.verdict === "deploy").length;
  return [
    `## Convergence on main ${code(main.slice(0, 7))}`,
    "",
    `${deploying} of ${decisions.length} stack(s) to deploy; ${decisions.length - shown.length} deployed at main.`,
    "",
    ...(shown.length > 0
      ? table(
          ["stack", "verdict", "why"],
          shown.map((decision) => [raw(code(decision.stack)), decision.verdict, decision.reason]),
        )
      : []),
    "",
  ].join("\n");
}

/** `converge`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("converge")
      .description(
        "Decide which stacks a deploy run deploys so the fleet converges on main (HEAD): every stack never deployed or whose deployed commit is behind main in a way that matters (code or dependencies changed, or its plan differs), in waves.",
      )
      .requiredOption("--deployed <file>", `JSON: each stack's ${DEPLOYED_COMMIT_TAG} tag ("" when it has none)`)
      .option("--stacks <stacks...>", "by hand: deploy exactly these stacks (or: all), whatever their tags say")
      .option("--only <stacks...>", "decide only these stacks (a deploy job's check that main has not moved on)")
      .addOption(
        new Option("--canary <owners...>", "owners whose stack goes first in each environment").default(["ttd"]),
      )
      .addOption(
        integerOption("--batch-size <n>", "stacks per batch job (GitHub's matrix limit: 256)", 1, 256).default(200),
      )
      .addOption(integerOption("--batch-slots <n>", "batch jobs per environment in deploy.yml", 1, 20).default(3))
      .addOption(formatOption(["outputs", "json", "markdown"], "json"))
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "the decision, as JSON, outputs or markdown",
      invalid: "(never: an unknown stack or a bad tag file is a usage error)",
      usage:
        "missing `--deployed`, a tag file that is not an object of stack → commit, a stack not in `stacks/`, bad option value",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(withPlanningOptions(command()), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const main = git(options.root, ["rev-parse", "HEAD"]);
  const fleet = allStacks(readFleetSources(options.root));
  const unknown = [...(options.stacks ?? []), ...(options.only ?? [])].filter(
    (stack) => stack !== "all" && !fleet.includes(stack),
  );
  if (unknown.length > 0) {
    throw new UsageError(`not among the stacks of stacks/ (npm run plan -- --list): ${unknown.join(", ")}`);
  }

  let decisions: Decision[];
  if (options.stacks) {
    const named = options.stacks.includes("all") ? fleet : options.stacks;
    decisions = fleet.map((stack) =>
      named.includes(stack)
        ? { stack, verdict: "deploy", reason: "named by hand" }
        : { stack, verdict: "current", reason: "not named" },
    );
  } else {
    const stacks = options.only ? fleet.filter((stack) => options.only?.includes(stack)) : fleet;
    const all = readDeployed(options.deployed);
    const deployed = Object.fromEntries(stacks.map((stack) => [stack, all[stack]]));
    decisions = decideDeployments({ main, stacks, deployed, since: await changesSince(options, main, deployed) });
  }

  const toDeploy = decisions.filter((decision) => decision.verdict === "deploy").map((decision) => decision.stack);
  const waves = planWaves(toDeploy, {
    canaryOwners: options.canary,
    batchSize: options.batchSize,
    batchSlots: options.batchSlots,
  });
  if (options.format === "markdown") process.stdout.write(markdown(main, decisions));
  else if (options.format === "outputs") {
    const outputs = { ...waveOutputs(waves, options.batchSlots), deploy: JSON.stringify(toDeploy) };
    process.stdout.write(
      Object.entries(outputs)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(""),
    );
  } else process.stdout.write(`${JSON.stringify({ main, decisions, waves, deploy: toDeploy }, null, 2)}\n`);
  return EXIT.ok;
}
