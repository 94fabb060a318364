import { Command, InvalidArgumentError, Option } from "commander";
import { readFleetSources } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { parseStackName } from "../infra/model/stackName";
import { EXIT, formatOption, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { assertCommit } from "../repository/git";
import { diffAgainstBase, planWorkingTree, type DiffReport } from "../plan/engine/compare";
import { formatDiffJson, formatDiffMarkdown, formatDiffText, summarizeDiff } from "../plan/diffFormat";
import { formatJson, formatMarkdown, formatText, summarize, type PlanReport } from "../plan/format";
import { allStacks, stacksByEnvironment } from "../plan/engine/select";
import { planningOptions, withPlanningOptions } from "../plan/planningOptions";
import { REPO_ROOT, rootOption } from "../repository/root";

interface Options {
  stack?: string[];
  changedSince?: string;
  diff?: string;
  format: "text" | "json" | "markdown";
  today: IsoDate;
  root: string;
  workers?: number;
  list: boolean;
  firstPreview: boolean;
  allowDecommission: boolean;
  allowReplacement: boolean;
  cache: boolean;
  cacheDir: string;
}

function stackArgument(value: string, previous: string[] = []): string[] {
  try {
    parseStackName(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return [...previous, value];
}

function writeDiff(report: DiffReport, options: Options): number {
  const verdict = {
    report,
    allowDecommission: options.allowDecommission,
    allowReplacement: options.allowReplacement,
  };
  const format = { text: formatDiffText, json: formatDiffJson, markdown: formatDiffMarkdown }[options.format];
  process.stdout.write(format(verdict));
  return summarizeDiff(verdict).passed ? EXIT.ok : EXIT.invalid;
}

function writePlans(report: PlanReport, format: Options["format"]): number {
  process.stdout.write({ text: formatText, json: formatJson, markdown: formatMarkdown }[format](report));
  return report.summary.passed ? EXIT.ok : EXIT.invalid;
}

/** `plan`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    withPlanningOptions(
      new Command("plan")
        .description(
          "Run the Pulumi program for each stack under mocks, then the policy pack: what would be provisioned, and may it be.",
        )
        .addOption(
          new Option(
            "--stack <stacks...>",
            "stacks to plan, <org>-<env> (default: every owner and environment)",
          ).argParser(stackArgument),
        )
        .option(
          "--diff <ref>",
          "show what changes against this git ref, per stack and property (the base evaluated with its own code)",
        )
        .option(
          "--changed-since <ref>",
          "plan only the stacks whose plan differs from this git ref's (or whose stack file changed)",
        )
        .addOption(formatOption(["text", "json", "markdown"], "text"))
        .addOption(todayOption())
        .option(
          "--list",
          "print the selected stacks as JSON ({ all, tt02, prod }) and nothing else: for CI matrices",
          false,
        )
        .option(
          "--allow-decommission",
          "a removed owner file or environment (its stacks left unmanaged) does not fail the diff",
          false,
        )
        .option(
          "--allow-replacement",
          "replacing a cluster, vault, workspace or network (any environment) does not fail the diff: the replacement-approved label",
          false,
        )
        .option(
          "--first-preview",
          "evaluate as the first preview of new stacks: nothing computed by Azure is known yet",
          false,
        )
        .addOption(rootOption()),
    ),
    {
      ok: "every stack planned, no mandatory violation",
      invalid:
        "a stack's configuration or program failed, a mandatory policy violation, or (with `--diff`) a refusal or a stack left unmanaged",
      usage: "bad option value (`--workers` not 1-64, a stack not `<org>-<env>`), a ref that is not a commit",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const planning = planningOptions(options);

  const base = options.diff ?? options.changedSince;
  if (options.diff && options.changedSince && options.diff !== options.changedSince) {
    process.stderr.write("plan: --diff and --changed-since name different refs; give one\n");
    return EXIT.usage;
  }
  if (base) {
    assertCommit(options.root, base);
    let report: DiffReport;
    try {
      report = await diffAgainstBase({
        ...planning,
        root: options.root,
        codeRoot: REPO_ROOT,
        base,
        stacks: options.stack,
      });
    } catch (error) {
      // Each stack's own failure is part of the report; this is the comparison itself (git, the base's worktree).
      process.stderr.write(
        `plan: the comparison with ${base} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT.invalid;
    }
    const selected = report.stacks.filter((stack) => stack.status !== "unmanaged").map((stack) => stack.stack);
    if (options.list) {
      process.stdout.write(`${JSON.stringify({ all: selected, ...stacksByEnvironment(selected) })}\n`);
      return EXIT.ok;
    }
    if (options.diff) return writeDiff(report, options);
    const plans = [...report.headPlans];
    return writePlans({ stacks: plans, summary: summarize(plans), selection: report.selection }, options.format);
  }

  const stacks = options.stack ?? allStacks(readFleetSources(options.root));
  const selection = options.stack ? `stacks ${options.stack.join(", ")}` : "every owner and environment in stacks/";
  if (options.list) {
    process.stdout.write(`${JSON.stringify({ all: stacks, ...stacksByEnvironment(stacks) })}\n`);
    return EXIT.ok;
  }
  const plans = await planWorkingTree(options.root, REPO_ROOT, stacks, planning);
  return writePlans({ stacks: plans, summary: summarize(plans), selection }, options.format);
}
