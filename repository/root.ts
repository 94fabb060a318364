import { Option } from "commander";
import * as path from "node:path";
import { findRepositoryRoot } from "../files/fleetReader";

/** The repository root: scripts run from anywhere (and from compiled output) and still find stacks/ and the layers. */
export const REPO_ROOT = findRepositoryRoot(__dirname);

/** A user-supplied path, as the repository-relative, forward-slash form problems are reported with. */
export function toRepoPath(root: string, userPath: string, cwd = process.cwd()): string {
  return path.relative(root, path.resolve(cwd, userPath)).split(path.sep).join("/");
}

/** `--root`: the repository to work on; the default is the checkout the command runs from. */
export function rootOption(): Option {
  return new Option("--root <dir>", "repository root").default(REPO_ROOT, "this repository");
}
