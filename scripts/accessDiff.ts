import { Command } from "commander";
import { readFleetSources } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { diffAccess, formatAccessDiff } from "../access/accessDiff";
import { EXIT, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { assertCommit, fleetSourcesAt } from "../repository/git";
import { rootOption } from "../repository/root";

interface Options {
  base: string;
  allowRemovals: boolean;
  today: IsoDate;
  root: string;
}

/** `accessDiff`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("access-diff")
      .description("Markdown for a PR comment: who gains and loses which role between --base and the working tree.")
      .requiredOption("--base <ref>", "the git ref to compare with (the PR's base)")
      .option(
        "--allow-removals",
        "override the removal guard (CI sets it when the PR has the access-removal-approved label)",
        false,
      )
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "the diff, the removal guard not tripped",
      invalid: "the removal guard tripped without `--allow-removals`, or the owner files are invalid",
      usage: "missing `--base`, `--base` not a commit",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const base = assertCommit(options.root, options.base);
  const diff = diffAccess(fleetSourcesAt(options.root, base), readFleetSources(options.root), options.today);
  process.stdout.write(formatAccessDiff(diff, options.allowRemovals));
  return diff.guard.length > 0 && !options.allowRemovals ? EXIT.invalid : EXIT.ok;
}
