import {
  environmentLayerFileName,
  ENVIRONMENTS,
  formatProblem,
  readFleetSources,
  sortProblems,
  validateFleet,
  type IsoDate,
  type Problem,
} from "../infra/model";

export interface ValidateReport {
  readonly valid: boolean;
  readonly errors: readonly Problem[];
  /** Reported, but they do not make the fleet invalid. */
  readonly warnings: readonly Problem[];
  /** What was checked, for the "ok" line. */
  readonly checked: { readonly owners: number; readonly layers: number };
}

/**
 * Validate the fleet. With `files`, report only problems in those files (and in the environment layers, which every
 * owner depends on); the rest of stacks/ is still read so cross-owner rules see the whole fleet.
 */
export function validateRepository(root: string, today: IsoDate, files?: readonly string[]): ValidateReport {
  const sources = readFleetSources(root);
  const { problems, warnings } = validateFleet(sources, today);
  const layerFiles = ENVIRONMENTS.map(environmentLayerFileName);
  const known = new Set([...layerFiles, ...sources.owners.map((source) => source.file)]);
  const selected = files && new Set([...files, ...layerFiles]);
  const unknown = (files ?? [])
    .filter((file) => !known.has(file))
    .map((file): Problem => ({ file, line: 0, column: 0, path: "", message: "not an owner file in stacks/" }));
  const isSelected = (problem: Problem) => !selected || selected.has(problem.file);
  const errors = [...problems.filter(isSelected), ...unknown];
  return {
    valid: errors.length === 0,
    errors: sortProblems(errors),
    warnings: warnings.filter(isSelected),
    checked: { owners: files?.length ?? sources.owners.length, layers: layerFiles.length },
  };
}

export function formatValidateText(report: ValidateReport): string {
  const warnings = report.warnings.map((warning) => `warning: ${formatProblem(warning)}\n`).join("");
  if (report.valid) {
    return `${warnings}ok: ${report.checked.owners} owner file(s) and ${report.checked.layers} environment layers are valid\n`;
  }
  const files = new Set(report.errors.map((problem) => problem.file)).size;
  return `${warnings}${report.errors.map(formatProblem).join("\n")}\n\n${report.errors.length} problem(s) in ${files} file(s); nothing was applied\n`;
}

export function formatValidateJson(report: ValidateReport): string {
  return `${JSON.stringify({ valid: report.valid, errors: report.errors, warnings: report.warnings }, null, 2)}\n`;
}
