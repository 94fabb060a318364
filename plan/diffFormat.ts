import { formatProblem, type Problem } from "../infra/model/problem";
import { code, raw, table, text, type Cell } from "../cli/markdown";
import type { BaseEvaluation } from "./engine/base";
import type { DiffReport } from "./engine/compare";
import {
  foldKey,
  foldsOf,
  type Action,
  type FoldedChange,
  type ResourceChange,
  type StackDiff,
} from "./semantics/diff";
import { endedLine, findingsTable, groupedViolations, shortType } from "./format";

export interface DiffSummary {
  readonly selected: number;
  readonly preselected: number;
  readonly creates: number;
  /** Existing resources adopted (Pulumi `import`). */
  readonly imports: number;
  readonly updates: number;
  readonly replaces: number;
  readonly deletes: number;
  readonly refusals: number;
  /** Replacements of a cluster, vault, workspace or network: refusals unless approved. */
  readonly replacementsRefused: number;
  readonly unmanaged: number;
  readonly errors: number;
  readonly mandatoryViolations: number;
  readonly passed: boolean;
}

export interface DiffVerdict {
  readonly report: DiffReport;
  /** Owners or environments removed on purpose (`--allow-decommission`): being left unmanaged does not fail. */
  readonly allowDecommission: boolean;
  /** Replacements of a cluster, vault, workspace or network approved on purpose (`--allow-replacement`). */
  readonly allowReplacement?: boolean;
}

export function summarizeDiff({ report, allowDecommission, allowReplacement = false }: DiffVerdict): DiffSummary {
  const count = (action: Action) =>
    report.stacks.reduce(
      (total, stack) => total + stack.changes.filter((change) => change.action === action).length,
      0,
    );
  const refusals =
    report.stacks.reduce((total, stack) => total + stack.refusals.length, 0) + report.versionProblems.length;
  const replacementsRefused = allowReplacement
    ? 0
    : report.stacks.reduce((total, stack) => total + stack.replacements.length, 0);
  const unmanaged = report.stacks.filter((stack) => stack.status === "unmanaged").length;
  const errors = report.stacks.filter((stack) => stack.error !== undefined).length;
  const mandatoryViolations = report.stacks.reduce(
    (total, stack) => total + stack.violations.filter((violation) => violation.level === "mandatory").length,
    0,
  );
  return {
    selected: report.stacks.length,
    preselected: report.preselected.length,
    creates: count("create"),
    imports: count("import"),
    updates: count("update"),
    replaces: count("replace"),
    deletes: count("delete"),
    refusals,
    replacementsRefused,
    unmanaged,
    errors,
    mandatoryViolations,
    passed:
      refusals === 0 &&
      replacementsRefused === 0 &&
      errors === 0 &&
      mandatoryViolations === 0 &&
      (unmanaged === 0 || allowDecommission),
  };
}

/**
 * Whether a change is shown property by property: updates and replacements always; a resource created or deleted in
 * a stack that exists on both sides too (a new PIM schedule of a role request), but not a whole new stack's.
 */
function detailed(stack: StackDiff, change: ResourceChange): boolean {
  const whole = change.action === "create" || change.action === "import" || change.action === "delete";
  return !whole || stack.status === "update";
}

const SYMBOLS: Record<Action, string> = { create: "+", import: "=", update: "~", replace: "+-", delete: "-" };

/** "+- replace (delete first)": the symbol and action, and the order of a replacement that deletes first. */
function actionLabel({ action, deleteFirst }: { action: Action; deleteFirst?: true }): string {
  return `${SYMBOLS[action]} ${action}${deleteFirst ? " (delete first)" : ""}`;
}

/** Said after a value the mocks invented, in every output that shows one. */
export const SIMULATED_MARK = "(simulated)";
export const SIMULATED_NOTE =
  `${SIMULATED_MARK}: an id the mocks invented (an Entra object id, a client or principal id); ` +
  "the real one exists once Azure and Entra ID create the resource.";

/** A rule over time broken, with the command that shows it again with its line. */
function versionRefusal(problem: Problem, report: DiffReport): string {
  return `${formatProblem(problem)} (npm run validate -- --base ${report.base.ref})`;
}

function simulatedIn(report: DiffReport): ReadonlySet<string> {
  return new Set(report.stacks.flatMap((stack) => stack.simulated ?? []));
}

/** A value as a reviewer reads it: strings bare, absent as "—", anything else as JSON; an invented id marked. */
export function shownValue(value: unknown, simulated: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return simulated.has(value) ? `${value} ${SIMULATED_MARK}` : value;
  return JSON.stringify(value);
}

/** Whether any value the diff shows is one the mocks invented. */
function showsSimulated(report: DiffReport, simulated: ReadonlySet<string>): boolean {
  const values = [
    ...report.folded.flatMap((fold) => [fold.before, fold.after]),
    ...report.stacks.flatMap((stack) =>
      stack.changes.flatMap((change) => change.properties.flatMap((property) => [property.before, property.after])),
    ),
  ];
  return values.some((value) => typeof value === "string" && simulated.has(value));
}

function evaluationNote(evaluation: BaseEvaluation): string {
  switch (evaluation.code) {
    case "same":
      return "the base's code is the same as the working tree's";
    case "own":
      return "the base evaluated with its own code (a temporary worktree)";
    case "head":
      return `the base's data evaluated with the working tree's code, because ${evaluation.reason}`;
  }
}

/** "5 prod stacks", "digdir-prod, brg-prod": who a folded change applies to. */
function stacksPhrase(stacks: readonly string[]): string {
  if (stacks.length <= 3) return stacks.join(", ");
  const environments = new Set(stacks.map((stack) => stack.slice(stack.lastIndexOf("-") + 1)));
  return environments.size === 1 ? `${stacks.length} ${[...environments][0]} stacks` : `${stacks.length} stacks`;
}

function foldLine(fold: FoldedChange, simulated: ReadonlySet<string>): string {
  const change =
    fold.path === undefined
      ? ""
      : ` ${fold.path} ${shownValue(fold.before, simulated)} → ${shownValue(fold.after, simulated)}`;
  return `${actionLabel(fold)} ${shortType(fold.type)}${change} on ${stacksPhrase(fold.stacks)}`;
}

const summaryLine = (summary: DiffSummary) =>
  `${summary.selected} of ${summary.preselected} preselected stack(s) change: ${summary.creates} to create, ` +
  (summary.imports > 0 ? `${summary.imports} to import, ` : "") +
  `${summary.updates} to update, ${summary.replaces} to replace, ${summary.deletes} to delete; ` +
  `${summary.unmanaged} left unmanaged, ${summary.refusals + summary.replacementsRefused} refused, ${summary.errors} error(s), ` +
  `${summary.mandatoryViolations} mandatory violation(s): ${summary.passed ? "PASS" : "FAIL"}`;

function unmanagedLine(stack: StackDiff, allowDecommission: boolean): string {
  return (
    `${stack.stack}: its owner file or environment was removed: the stack would be left unmanaged (its resources ` +
    `stay in Azure and Entra ID, protected in prod, and no deploy touches them again)` +
    (allowDecommission
      ? "; decommissioning approved"
      : "; follow the decommissioning recipe (docs/tasks/decommission.md), then approve with --allow-decommission")
  );
}

export function formatDiffText(verdict: DiffVerdict): string {
  const { report, allowDecommission } = verdict;
  const summary = summarizeDiff(verdict);
  const simulated = simulatedIn(report);
  const lines = [
    `Plan diff against ${report.base.ref} (${report.base.commit.slice(0, 7)}; ${evaluationNote(report.base.evaluation)})`,
    report.selection,
    "",
  ];
  if (report.stacks.length === 0) lines.push("No stack's plan changes.", "");
  if (report.folded.length > 0)
    lines.push("Changes:", ...report.folded.map((fold) => `  ${foldLine(fold, simulated)}`), "");
  if (report.versionProblems.length > 0)
    lines.push(...report.versionProblems.map((problem) => `REFUSED: ${versionRefusal(problem, report)}`), "");
  for (const stack of report.stacks) {
    lines.push(`${stack.stack}: ${stack.status}`);
    if (stack.status === "unmanaged") lines.push(`  ${unmanagedLine(stack, allowDecommission)}`);
    if (stack.error !== undefined) lines.push(...stack.error.split("\n").map((line) => `  ${line}`));
    for (const change of stack.changes) {
      lines.push(`  ${actionLabel(change)} ${change.type} ${change.name}`);
      if (!detailed(stack, change)) continue;
      for (const property of change.properties)
        lines.push(
          `      ${property.path}: ${shownValue(property.before, simulated)} → ${shownValue(property.after, simulated)}`,
        );
    }
    for (const ended of stack.ended ?? []) lines.push(`  ${endedLine(ended)}`);
    for (const refusal of stack.refusals) lines.push(`  REFUSED: ${refusal}`);
    for (const replacement of stack.replacements)
      lines.push(`  ${verdict.allowReplacement ? "APPROVED REPLACEMENT" : "REFUSED"}: ${replacement}`);
    for (const group of groupedViolations(stack.violations))
      lines.push(`  [${group.level}] ${group.policy} (${group.resources.length} resource(s)): ${group.message}`);
    lines.push("");
  }
  if (showsSimulated(report, simulated)) lines.push(SIMULATED_NOTE, "");
  lines.push(summaryLine(summary));
  return `${lines.join("\n")}\n`;
}

function valueCell(value: unknown, simulated: ReadonlySet<string>): Cell {
  if (value === null || value === undefined) return "—";
  const mark = typeof value === "string" && simulated.has(value) ? ` ${SIMULATED_MARK}` : "";
  return raw(`${code(shownValue(value))}${mark}`);
}

/** Per-stack detail tables beyond this many stacks are left to `npm run plan -- --diff`: a PR comment has a size limit. */
const DETAILED_STACKS = 30;

export function formatDiffMarkdown(verdict: DiffVerdict): string {
  const { report, allowDecommission } = verdict;
  const summary = summarizeDiff(verdict);
  const simulated = simulatedIn(report);
  const lines = [
    `## Plan: ${summary.passed ? "✅ pass" : "❌ fail"}`,
    "",
    `Compared with ${code(report.base.ref)} (${code(report.base.commit.slice(0, 7))}): ${text(evaluationNote(report.base.evaluation))}. ${text(report.selection)}.`,
    "",
    text(summaryLine(summary)),
    "",
  ];
  if (report.stacks.length === 0) lines.push("No stack's plan changes.", "");
  const refusals = [
    ...report.versionProblems.map((problem) => versionRefusal(problem, report)),
    ...report.stacks.flatMap((stack) => stack.refusals),
  ];
  if (refusals.length > 0) lines.push("### ⛔ Refused", "", ...refusals.map((refusal) => `- ${text(refusal)}`), "");
  const replacements = report.stacks.flatMap((stack) => stack.replacements);
  if (replacements.length > 0)
    lines.push(
      verdict.allowReplacement ? "### Replacements (approved)" : "### ⛔ Replacements (not approved)",
      "",
      ...replacements.map((replacement) => `- ${text(replacement)}`),
      "",
    );
  const unmanaged = report.stacks.filter((stack) => stack.status === "unmanaged");
  if (unmanaged.length > 0)
    lines.push(
      allowDecommission ? "### Left unmanaged (decommissioning approved)" : "### ⛔ Would be left unmanaged",
      "",
      ...unmanaged.map((stack) => `- ${text(unmanagedLine(stack, allowDecommission))}`),
      "",
    );
  if (report.folded.length > 0) {
    lines.push(
      "### Changes",
      "",
      ...table(
        ["action", "resource", "property", "before", "after", "stacks"],
        report.folded.map((fold) => [
          actionLabel(fold),
          shortType(fold.type),
          fold.path === undefined ? "" : raw(code(fold.path)),
          fold.path === undefined ? "" : valueCell(fold.before, simulated),
          fold.path === undefined ? "" : valueCell(fold.after, simulated),
          stacksPhrase(fold.stacks),
        ]),
      ),
      "",
    );
  }
  const changed = report.stacks.filter((stack) => stack.changes.length > 0);
  if (changed.length > 0) {
    // What several stacks share is in the table above; per stack, only what is its own is listed again.
    const shared = new Set(report.folded.filter((fold) => fold.stacks.length > 1).map(foldKey));
    const isShared = (fold: Omit<FoldedChange, "stacks">) => shared.has(foldKey(fold));
    lines.push(`<details><summary>Per stack (${changed.length})</summary>`, "");
    for (const stack of changed) {
      const sharedCount = stack.changes.flatMap(foldsOf).filter(isShared).length;
      lines.push(
        `- ${code(stack.stack)}: ${stack.status}` +
          (sharedCount > 0 ? `, ${sharedCount} change(s) shared with other stacks (above)` : ""),
      );
    }
    lines.push("");
    for (const stack of changed.slice(0, DETAILED_STACKS)) {
      const rows = stack.changes.flatMap((change) => {
        const resource = [actionLabel(change), shortType(change.type), raw(code(change.name))];
        const wholeResource = change.action === "create" || change.action === "import" || change.action === "delete";
        if (wholeResource && isShared({ type: change.type, action: change.action })) return [];
        if (!detailed(stack, change)) return [[...resource, "", "", ""]];
        return change.properties
          .filter((property) => !isShared({ type: change.type, action: change.action, ...property }))
          .map((property) => [
            ...resource,
            raw(code(property.path)),
            valueCell(property.before, simulated),
            valueCell(property.after, simulated),
          ]);
      });
      if (rows.length === 0) continue;
      lines.push(
        `#### ${code(stack.stack)}`,
        "",
        ...table(["action", "resource", "name", "property", "before", "after"], rows),
        "",
      );
    }
    if (changed.length > DETAILED_STACKS)
      lines.push(
        `Details of ${DETAILED_STACKS} of ${changed.length} stacks; all of them: ${code(`npm run plan -- --diff ${report.base.ref}`)}.`,
        "",
      );
    lines.push("</details>", "");
  }
  // This module's own words: nothing in them acts as markdown.
  if (showsSimulated(report, simulated)) lines.push(`_${SIMULATED_NOTE}_`, "");
  const ended = report.stacks.flatMap((stack) =>
    (stack.ended ?? []).map((schedule) => `- ${text(endedLine(schedule))}`),
  );
  if (ended.length > 0) lines.push("### Ended in Entra ID: forgotten, not deleted", "", ...ended, "");
  const findings = findingsTable(report.stacks);
  if (findings.length > 0) lines.push("### Findings", "", ...findings, "");
  return `${lines.join("\n").trimEnd()}\n`;
}

export function formatDiffJson(verdict: DiffVerdict): string {
  const { report } = verdict;
  return `${JSON.stringify(
    {
      base: report.base,
      selection: report.selection,
      stacks: report.stacks.map(({ differs: _differs, ...stack }) => stack),
      folded: report.folded,
      versionProblems: report.versionProblems,
      summary: summarizeDiff(verdict),
    },
    null,
    2,
  )}\n`;
}
