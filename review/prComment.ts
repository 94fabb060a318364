import { readFleetSources } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import type { Problem } from "../infra/model/problem";
import { diffAccess, formatAccessDiff } from "../access/accessDiff";
import { changedFilesSince, fleetSourcesAt } from "../repository/git";
import { code, table, text } from "../cli/markdown";
import { diffAgainstBase, type PlanningOptions } from "../plan/engine/compare";
import { formatDiffMarkdown, summarizeDiff } from "../plan/diffFormat";
import { validateRepository } from "../validation/validateRepository";

export interface PrCommentOptions extends PlanningOptions {
  readonly root: string;
  readonly codeRoot: string;
  readonly base: string;
  readonly today: IsoDate;
  /** A maintainer approved large access removals (the access-removal-approved label). */
  readonly allowRemovals: boolean;
  /** A maintainer approved leaving removed owners' or environments' stacks unmanaged. */
  readonly allowDecommission: boolean;
  /** A maintainer approved replacing a cluster, vault, workspace or network (the replacement-approved label). */
  readonly allowReplacement?: boolean;
}

const verdictOptions = ({ allowDecommission, allowReplacement = false }: PrCommentOptions) => ({
  allowDecommission,
  allowReplacement,
});

export interface PrComment {
  readonly markdown: string;
  readonly passed: boolean;
}

/**
 * The whole PR comment: who gains and loses access, what changes in which stack, and what is invalid. Every part is
 * written even when another fails, so the author sees everything to fix in the PR itself.
 */
export async function prComment(options: PrCommentOptions): Promise<PrComment> {
  const headSources = readFleetSources(options.root);
  const plan = await diffAgainstBase({ ...options, headSources }).then(
    (report) => ({
      report,
      markdown: formatDiffMarkdown({ report, ...verdictOptions(options) }),
      passed: summarizeDiff({ report, ...verdictOptions(options) }).passed,
    }),
    (error: unknown) => ({
      report: undefined,
      markdown: `## Plan: ❌ could not run\n\n${text(error instanceof Error ? error.message : String(error))}\n`,
      passed: false,
    }),
  );
  const baseSources = plan.report?.baseSources ?? fleetSourcesAt(options.root, options.base);
  const access = diffAccess(baseSources, headSources, options.today);
  // Strict on what the change touches: another owner's stale grant is a warning here, not this PR's failure.
  const validation = validateRepository(options.root, options.today, {
    base: baseSources,
    sources: headSources,
    strictFiles: changedFilesSince(options.root, options.base),
  });
  const accessPassed = access.guard.length === 0 || options.allowRemovals;
  const passed = accessPassed && plan.passed && validation.valid;
  const failing = [
    ...(accessPassed ? [] : ["the removal guard"]),
    ...(plan.passed ? [] : ["the plan"]),
    ...(validation.valid ? [] : ["validation"]),
  ];
  const sections = [
    `# Pull request check: ${passed ? "✅ pass" : `❌ fail (${failing.join(", ")})`}`,
    "",
    formatAccessDiff(access, options.allowRemovals),
    plan.markdown,
    "## Validation",
    "",
    ...(validation.valid
      ? ["No problems in the files this change touches."]
      : [
          `${validation.errors.length} problem(s); run ${code(`npm run validate -- --base ${options.base}`)} locally to see them with their lines.`,
          "",
          ...problemTable(validation.errors),
        ]),
    ...(validation.warnings.length > 0
      ? [
          "",
          `Warnings in files this change does not touch (not failing): ${validation.warnings.length}.`,
          "",
          ...problemTable(validation.warnings),
        ]
      : []),
  ];
  return { markdown: `${sections.join("\n").trimEnd()}\n`, passed };
}

function problemTable(problems: readonly Problem[]): string[] {
  return table(
    ["file", "line", "field", "problem"],
    problems.map((problem) => [
      problem.file,
      problem.line > 0 ? String(problem.line) : "",
      problem.path,
      problem.message,
    ]),
  );
}

/** A comment for when the check itself could not run (e.g. the base is not a commit): still posted, still failing. */
export function failedComment(message: string): PrComment {
  return {
    markdown: `# Pull request check: ❌ fail\n\nThe check could not run: ${text(message)}\n`,
    passed: false,
  };
}
