import { execFileSync } from "node:child_process";
import {
  environmentLayerFileName,
  ENVIRONMENTS,
  isOwnerFileName,
  STACKS_DIR,
  type FleetSources,
  type SourceFile,
} from "../infra/model";

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Fails with a usage-level message when `ref` is not a commit in `root`. */
export function assertCommit(root: string, ref: string): void {
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(`"${ref}" is not a commit in ${root}`);
  }
}

function showFile(root: string, ref: string, file: string): SourceFile {
  try {
    return { file, text: git(root, ["show", `${ref}:${file}`]) };
  } catch {
    return { file, text: undefined };
  }
}

/** The owner files and environment layers as they were at `ref`. */
export function fleetSourcesAt(root: string, ref: string): FleetSources {
  const names = git(root, ["ls-tree", "--name-only", `${ref}:${STACKS_DIR}`])
    .split("\n")
    .filter(isOwnerFileName)
    .sort();
  return {
    layers: Object.fromEntries(
      ENVIRONMENTS.map((environment) => [environment, showFile(root, ref, environmentLayerFileName(environment))]),
    ) as FleetSources["layers"],
    owners: names.map((name) => showFile(root, ref, `${STACKS_DIR}/${name}`)),
  };
}

/** Files changed since `ref`, committed or not (including new untracked files). */
export function changedFilesSince(root: string, ref: string): string[] {
  const files = (...args: string[]) => git(root, args).split("\n").filter(Boolean);
  return [
    ...new Set([...files("diff", "--name-only", ref), ...files("ls-files", "--others", "--exclude-standard")]),
  ].sort();
}

/** The commit `ref` names (call assertCommit first). */
export function resolveCommit(root: string, ref: string): string {
  return git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).trim();
}

/** A detached checkout of `commit` at `directory`, sharing `root`'s object store. */
export function addWorktree(root: string, directory: string, commit: string): void {
  git(root, ["worktree", "add", "--detach", "--quiet", directory, commit]);
}

export function removeWorktree(root: string, directory: string): void {
  git(root, ["worktree", "remove", "--force", directory]);
}
