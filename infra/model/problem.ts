/** One thing wrong with an input file, positioned so an editor or CI annotation can jump to it. */
export interface Problem {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based; 0 when the problem concerns the file as a whole (e.g. it is missing). */
  line: number;
  column: number;
  /** Field path inside the document, like `access[2].user`; empty for the whole document. */
  path: string;
  message: string;
}

/** Thrown where a caller needs a valid input and got problems instead; carries all of them, not just the first. */
export class ValidationError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    summary = "invalid configuration",
  ) {
    super(`${summary}:\n${problems.map(formatProblem).join("\n")}`);
    this.name = "ValidationError";
  }
}

export function compareProblems(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path);
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(compareProblems);
}

export function formatProblem(problem: Problem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

export type FieldPath = readonly (string | number)[];

export function formatPath(path: FieldPath): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    "",
  );
}
