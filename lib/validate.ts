import {
  checkKubernetesUpgrades,
  environmentLayerFileName,
  ENVIRONMENTS,
  formatProblem,
  readFleetSources,
  sortProblems,
  type FleetSources,
  type IsoDate,
  type Problem,
} from "../infra/model";
import { validatedFleet } from "./validated";

export interface ValidateReport {
  readonly valid: boolean;
  readonly errors: readonly Problem[];
  /** What was checked, for the "ok" line. */
  readonly checked: { readonly owners: number; readonly layers: number };
}

/**
 * Validate the fleet. With `files`, report only problems in those files (and in the environment layers, which every
 * owner depends on); the rest of stacks/ is still read so cross-owner rules see the whole fleet. With `base` (the
 * fleet at the PR's base), changes over time are checked too: a Kubernetes version may not go down or skip a minor.
 */
export function validateRepository(
  root: string,
  today: IsoDate,
  {
    files,
    base,
    sources = readFleetSources(root),
  }: { files?: readonly string[]; base?: FleetSources; sources?: FleetSources } = {},
): ValidateReport {
  const { fleet, problems: fleetProblems } = validatedFleet(sources, today);
  const problems = base
    ? [
        ...fleetProblems,
        ...checkKubernetesUpgrades({ sources: base, fleet: validatedFleet(base, today).fleet }, { sources, fleet }),
      ]
    : fleetProblems;
  const layerFiles = ENVIRONMENTS.map(environmentLayerFileName);
  const known = new Set([...layerFiles, ...sources.owners.map((source) => source.file)]);
  const selected = files && new Set([...files, ...layerFiles]);
  const unknown = (files ?? [])
    .filter((file) => !known.has(file))
    .map((file): Problem => ({ file, line: 0, column: 0, path: "", message: "not an owner file in stacks/" }));
  const errors = [...problems.filter((problem) => !selected || selected.has(problem.file)), ...unknown];
  return {
    valid: errors.length === 0,
    errors: sortProblems(errors),
    checked: { owners: files?.length ?? sources.owners.length, layers: layerFiles.length },
  };
}

export function formatValidateText(report: ValidateReport): string {
  if (report.valid) {
    return `ok: ${report.checked.owners} owner file(s) and ${report.checked.layers} environment layers are valid\n`;
  }
  const files = new Set(report.errors.map((problem) => problem.file)).size;
  return `${report.errors.map(formatProblem).join("\n")}\n\n${report.errors.length} problem(s) in ${files} file(s); nothing was applied\n`;
}

export function formatValidateJson(report: ValidateReport): string {
  return `${JSON.stringify({ valid: report.valid, errors: report.errors }, null, 2)}\n`;
}
