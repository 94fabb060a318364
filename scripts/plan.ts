import { Command, InvalidArgumentError, Option } from "commander";
import { parseStackName, readFleetSources, type IsoDate } from "../infra/model";
import { EXIT, formatOption, integerOption, parseCommandLine, todayOption } from "../lib/cli";
import { formatJson, formatMarkdown, formatText, summarize, type PlanReport } from "../lib/plan/format";
import { planInWorkers } from "../lib/plan/pool";
import { allStacks, stacksAffectedBy, stacksByEnvironment, type Selection } from "../lib/plan/select";
import { assertCommit, changedFilesSince } from "../lib/git";
import { REPO_ROOT } from "../lib/repo";

interface Options {
  stack?: string[];
  changedSince?: string;
  format: "text" | "json" | "markdown";
  today: IsoDate;
  root: string;
  workers?: number;
  list: boolean;
  firstPreview: boolean;
}

function select(options: Options): Selection {
  const sources = readFleetSources(options.root);
  if (options.stack) return { stacks: options.stack, reason: `stacks ${options.stack.join(", ")}` };
  if (options.changedSince) {
    const commit = assertCommit(options.root, options.changedSince);
    return stacksAffectedBy(changedFilesSince(options.root, commit), sources);
  }
  return { stacks: allStacks(sources), reason: "every owner and environment in stacks/" };
}

function stackArgument(value: string, previous: string[] = []): string[] {
  try {
    parseStackName(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return [...previous, value];
}

function progress(planned: number, total: number): void {
  if (process.stderr.isTTY)
    process.stderr.write(`\rplanned ${planned}/${total} stacks${planned === total ? "\n" : ""}`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const command = new Command("plan")
    .description(
      "Run the Pulumi program for each stack under mocks, then the policy pack: what would be provisioned, and may it be.",
    )
    .addOption(
      new Option("--stack <stacks...>", "stacks to plan, <org>-<env> (default: every owner and environment)").argParser(
        stackArgument,
      ),
    )
    .option("--changed-since <ref>", "plan only the stacks a change since this git ref affects")
    .addOption(formatOption(["text", "json", "markdown"], "text"))
    .addOption(todayOption())
    .option(
      "--list",
      "print the selected stacks as JSON ({ all, tt02, prod }) and plan nothing: for CI matrices",
      false,
    )
    .option(
      "--first-preview",
      "evaluate as the first preview of new stacks: nothing computed by Azure is known yet",
      false,
    )
    .addOption(integerOption("--workers <count>", "worker processes (default: one per core)", 1, 64))
    .option("--root <dir>", "repository root", REPO_ROOT);
  const parsed = parseCommandLine<Options>(command, argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;

  const selection = select(options);
  if (options.list) {
    process.stdout.write(`${JSON.stringify({ all: selection.stacks, ...stacksByEnvironment(selection.stacks) })}\n`);
    return EXIT.ok;
  }
  const stacks = await planInWorkers(selection.stacks, {
    root: options.root,
    today: options.today,
    firstPreview: options.firstPreview,
    workers: options.workers,
    onProgress: progress,
  });
  const report: PlanReport = { stacks, summary: summarize(stacks), selection: selection.reason };
  const format = { text: formatText, json: formatJson, markdown: formatMarkdown }[options.format];
  process.stdout.write(format(report));
  return report.summary.passed ? EXIT.ok : EXIT.invalid;
}
