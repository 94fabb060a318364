import { Command } from "commander";
import type { IsoDate } from "../infra/model/dates";
import { EXIT, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { baseRefError } from "../repository/git";
import { failedComment, prComment } from "../review/prComment";
import { REPO_ROOT, rootOption } from "../repository/root";
import { planningOptions, withPlanningOptions } from "../plan/planningOptions";

interface Options {
  base: string;
  allowRemovals: boolean;
  allowDecommission: boolean;
  allowReplacement: boolean;
  today: IsoDate;
  root: string;
  workers?: number;
  cache: boolean;
  cacheDir: string;
}

/** `prComment`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    withPlanningOptions(
      new Command("pr-comment")
        .description(
          "The pull request's comment, as markdown on stdout: the access diff, the plan diff against --base, validation problems. Always written; exit 1 when anything fails.",
        )
        .requiredOption("--base <ref>", "the git ref to compare with (the PR's base)")
        .option("--allow-removals", "large access removals are approved (the access-removal-approved label)", false)
        .option("--allow-decommission", "leaving removed owners' or environments' stacks unmanaged is approved", false)
        .option(
          "--allow-replacement",
          "replacing a cluster, vault, workspace or network is approved (the replacement-approved label)",
          false,
        )
        .addOption(todayOption())
        .addOption(rootOption()),
    ),
    {
      ok: "the comment written, everything passes",
      invalid:
        "the comment written, and something fails (validation, the plan, the removal guard) or the check could not run",
      usage: "missing `--base`, `--base` not a commit, bad option value",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const refError = baseRefError(options.root, options.base);
  if (refError) {
    process.stdout.write(failedComment(refError).markdown);
    process.stderr.write(`pr-comment: ${refError}\n`);
    return EXIT.usage;
  }
  // The comment is what the author reads to fix the PR: even an unexpected failure is written as one.
  const comment = await prComment({
    ...planningOptions(options),
    root: options.root,
    codeRoot: REPO_ROOT,
    base: options.base,
    allowRemovals: options.allowRemovals,
    allowDecommission: options.allowDecommission,
    allowReplacement: options.allowReplacement,
  }).catch((error: unknown) => failedComment(error instanceof Error ? error.message : String(error)));
  process.stdout.write(comment.markdown);
  return comment.passed ? EXIT.ok : EXIT.invalid;
}
