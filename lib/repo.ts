import { existsSync } from "node:fs";
import * as path from "node:path";

/** The nearest directory at or above `start` holding Pulumi.yaml: the repository, from source or from dist/. */
export function findRepositoryRoot(start: string): string {
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, "Pulumi.yaml"))) return directory;
    if (path.dirname(directory) === directory) throw new Error(`no Pulumi.yaml at or above ${start}`);
  }
}

/** The repository root: scripts run from anywhere (and from compiled output) and still find stacks/ and the layers. */
export const REPO_ROOT = findRepositoryRoot(__dirname);

/** A user-supplied path, as the repository-relative, forward-slash form problems are reported with. */
export function toRepoPath(root: string, userPath: string, cwd = process.cwd()): string {
  return path.relative(root, path.resolve(cwd, userPath)).split(path.sep).join("/");
}
