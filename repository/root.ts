import * as path from "node:path";
import { findRepositoryRoot } from "../infra/model";

/** The repository root: scripts run from anywhere (and from compiled output) and still find stacks/ and the layers. */
export const REPO_ROOT = findRepositoryRoot(__dirname);

/** A user-supplied path, as the repository-relative, forward-slash form problems are reported with. */
export function toRepoPath(root: string, userPath: string, cwd = process.cwd()): string {
  return path.relative(root, path.resolve(cwd, userPath)).split(path.sep).join("/");
}
