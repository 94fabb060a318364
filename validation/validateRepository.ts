import { readFleetSources } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { environmentLayerFileName } from "../infra/model/environment";
import type { FleetSources } from "../infra/model/fleetShape";
import { formatProblem, sortProblems, type Problem } from "../infra/model/problem";
import { ENVIRONMENTS } from "../infra/model/schema";
import { checkKubernetesUpgrades } from "../infra/model/versionRules";
import { validatedFleet } from "../repository/validatedFleet";

export interface ValidateReport {
  readonly valid: boolean;
  readonly errors: readonly Problem[];
  /**
   * Reported, never failing: problems in owner files outside `strictFiles`, and what is worth a reviewer's attention
   * but not invalid (a terms-of-use version other than prod's).
   */
  readonly warnings: readonly Problem[];
  /** What was checked, for the "ok" line. */
  readonly checked: { readonly owners: number; readonly layers: number };
}

export interface ValidateOptions {
  /** Report only problems in these files (and in the environment layers, which every owner depends on). */
  readonly files?: readonly string[] | undefined;
  /**
   * The files a change touched: problems in any other owner file (a stale grant of another owner, say) become
   * warnings, so one owner's expired grant never blocks an unrelated pull request. The layers stay strict.
   */
  readonly strictFiles?: readonly string[] | undefined;
  /** The owner files and layers at a base: also check the rules over time (Kubernetes versions). */
  readonly base?: FleetSources | undefined;
  /** The working tree's owner files and layers, when the caller has read them already. */
  readonly sources?: FleetSources | undefined;
}

/**
 * Validate the fleet. The rest of stacks/ is always read, so cross-owner rules see the whole fleet; `options` choose
 * what is reported and what fails (whole-fleet strict by default). With `base` (the fleet at the PR's base), changes
 * over time are checked too: a Kubernetes version may not go down or skip a minor.
 */
export function validateRepository(root: string, today: IsoDate, options: ValidateOptions = {}): ValidateReport {
  const { files, base, sources = readFleetSources(root) } = options;
  const { fleet, problems: fleetProblems, warnings, prodTerms } = validatedFleet(sources, today);
  const problems = base
    ? [
        ...fleetProblems,
        ...prodTerms,
        ...checkKubernetesUpgrades({ sources: base, fleet: validatedFleet(base, today).fleet }, { sources, fleet }),
      ]
    : [...fleetProblems, ...prodTerms];
  const layerFiles = ENVIRONMENTS.map(environmentLayerFileName);
  const known = new Set([...layerFiles, ...sources.owners.map((source) => source.file)]);
  const selected = files && new Set([...files, ...layerFiles]);
  const unknown = (files ?? [])
    .filter((file) => !known.has(file))
    .map((file): Problem => ({ file, line: 0, column: 0, path: "", message: "not an owner file in stacks/" }));
  const isSelected = (problem: Problem) => !selected || selected.has(problem.file);
  const reported = [...problems.filter(isSelected), ...unknown];
  const strict = options.strictFiles && new Set([...options.strictFiles, ...layerFiles]);
  const errors = reported.filter((problem) => !strict || strict.has(problem.file));
  const failing = new Set(errors);
  return {
    valid: errors.length === 0,
    errors: sortProblems(errors),
    warnings: sortProblems([...reported.filter((problem) => !failing.has(problem)), ...warnings.filter(isSelected)]),
    checked: { owners: files?.length ?? sources.owners.length, layers: layerFiles.length },
  };
}

export function formatValidateText(report: ValidateReport): string {
  const warnings = report.warnings.length
    ? `${report.warnings.map((problem) => `warning: ${formatProblem(problem)}`).join("\n")}\n` +
      `${report.warnings.length} warning(s), not failing\n\n`
    : "";
  if (report.valid) {
    return `${warnings}ok: ${report.checked.owners} owner file(s) and ${report.checked.layers} environment layers are valid\n`;
  }
  const files = new Set(report.errors.map((problem) => problem.file)).size;
  return `${warnings}${report.errors.map(formatProblem).join("\n")}\n\n${report.errors.length} problem(s) in ${files} file(s); nothing was applied\n`;
}

export function formatValidateJson(report: ValidateReport): string {
  return `${JSON.stringify({ valid: report.valid, errors: report.errors, warnings: report.warnings }, null, 2)}\n`;
}
