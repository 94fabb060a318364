import * as path from "node:path";

/** The repository root: scripts run from anywhere and still find stacks/ and the environment layers. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** A user-supplied path, as the repository-relative, forward-slash form problems are reported with. */
export function toRepoPath(root: string, userPath: string, cwd = process.cwd()): string {
  return path.relative(root, path.resolve(cwd, userPath)).split(path.sep).join("/");
}
