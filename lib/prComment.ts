import { readFleetSources, type IsoDate } from "../infra/model";
import { diffAccess, formatAccessDiff } from "./accessDiff";
import { fleetSourcesAt } from "./git";
import { code, table, text } from "./markdown";
import { diffAgainstBase, type PlanningOptions } from "./plan/compare";
import { formatDiffMarkdown, summarizeDiff } from "./plan/diffFormat";
import { validateRepository } from "./validate";

export interface PrCommentOptions extends PlanningOptions {
  readonly root: string;
  readonly codeRoot: string;
  readonly base: string;
  readonly today: IsoDate;
  /** A maintainer approved large access removals (the access-removal-approved label). */
  readonly allowRemovals: boolean;
  /** A maintainer approved leaving removed owners' or environments' stacks unmanaged. */
  readonly allowDecommission: boolean;
}

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
      markdown: formatDiffMarkdown({ report, allowDecommission: options.allowDecommission }),
      passed: summarizeDiff({ report, allowDecommission: options.allowDecommission }).passed,
    }),
    (error: unknown) => ({
      report: undefined,
      markdown: `## Plan: ❌ could not run\n\n${text(error instanceof Error ? error.message : String(error))}\n`,
      passed: false,
    }),
  );
  const baseSources = plan.report?.baseSources ?? fleetSourcesAt(options.root, options.base);
  const access = diffAccess(baseSources, headSources, options.today);
  const validation = validateRepository(options.root, options.today, { base: baseSources, sources: headSources });
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
      ? ["No problems."]
      : [
          `${validation.errors.length} problem(s); run ${code("npm run validate")} locally to see them with their lines.`,
          "",
          ...table(
            ["file", "line", "field", "problem"],
            validation.errors.map((problem) => [
              problem.file,
              problem.line > 0 ? String(problem.line) : "",
              problem.path,
              problem.message,
            ]),
          ),
        ]),
  ];
  return { markdown: `${sections.join("\n").trimEnd()}\n`, passed };
}

/** A comment for when the check itself could not run (e.g. the base is not a commit): still posted, still failing. */
export function failedComment(message: string): PrComment {
  return {
    markdown: `# Pull request check: ❌ fail\n\nThe check could not run: ${text(message)}\n`,
    passed: false,
  };
}
