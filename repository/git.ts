import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { environmentLayerFileName } from "../infra/model/environment";
import { fileProblem, isOwnerFileName, STACKS_DIR, stacksDirectoryProblem } from "../infra/model/fleet";
import type { FleetSources, SourceFile } from "../infra/model/fleetShape";
import {
  classifyStacksEntry,
  decodeText,
  entryProblem,
  MAX_FILE_BYTES,
  type EntryKind,
} from "../infra/model/inputFiles";
import type { Problem } from "../infra/model/problem";
import { ENVIRONMENTS } from "../infra/model/schema";
import { UsageError } from "../cli/cli";

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * The last commit, when `root` is the top of a git work tree that has one; undefined outside git, before the first
 * commit, or in a folder inside another repository (whose paths would not be `root`'s).
 */
export function headCommitOf(root: string): string | undefined {
  try {
    const [prefix = "", head = ""] = git(root, ["rev-parse", "--show-prefix", "--verify", "--quiet", "HEAD^{commit}"])
      .split("\n")
      .map((line) => line.trim());
    return prefix === "" && head !== "" ? head : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The commit `ref` names in `root`, as a full SHA: every ref a command line gives is resolved here before git sees
 * it anywhere else, so `--output=FILE` or any other option-looking text can never reach git as an option.
 */
export function assertCommit(root: string, ref: string): string {
  if (ref.startsWith("-")) throw new UsageError(`"${ref}" is not a git ref (a ref cannot start with "-")`);
  try {
    return git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`"${ref}" is not a commit in ${root}`);
  }
}

interface TreeEntry {
  readonly path: string;
  readonly kind: EntryKind;
  readonly object: string;
  readonly size: number;
}

const MODES: Record<string, EntryKind> = {
  "100644": "file",
  "100755": "file",
  "120000": "symlink",
  "040000": "directory",
};

/** `git ls-tree -l -z` entries: mode, type, object, size (or "-"), then the path. */
function treeEntries(root: string, commit: string, paths: readonly string[]): TreeEntry[] {
  return git(root, ["ls-tree", "-l", "-z", commit, "--", ...paths])
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta = "", entryPath = ""] = line.split("\t");
      const [mode = "", , object = "", size = "0"] = meta.split(/ +/);
      return { path: entryPath, kind: MODES[mode] ?? "other", object, size: Number(size) || 0 };
    });
}

function blobSource(root: string, entry: TreeEntry): SourceFile {
  const problem = entryProblem(entry.kind, entry.size);
  if (problem) return { file: entry.path, text: undefined, problem };
  const bytes = execFileSync("git", ["cat-file", "blob", entry.object], {
    cwd: root,
    maxBuffer: MAX_FILE_BYTES + 1,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const decoded = decodeText(bytes);
  return "problem" in decoded
    ? { file: entry.path, text: undefined, problem: decoded.problem }
    : { file: entry.path, text: decoded.text };
}

/** The owner files and environment layers as they were at `commit` (a SHA from assertCommit), by the same rules. */
export function fleetSourcesAt(root: string, commit: string): FleetSources {
  const entries = treeEntries(root, commit, [
    ...ENVIRONMENTS.map(environmentLayerFileName),
    STACKS_DIR,
    `${STACKS_DIR}/`,
  ]);
  const stacksProblem = stacksDirectoryProblem(entries.find((entry) => entry.path === STACKS_DIR)?.kind);
  const layer = (file: string): SourceFile => {
    const entry = entries.find((candidate) => candidate.path === file);
    return entry ? blobSource(root, entry) : { file, text: undefined };
  };
  const owners: SourceFile[] = [];
  const strays: Problem[] = stacksProblem ? [fileProblem(STACKS_DIR, stacksProblem)] : [];
  for (const entry of entries.filter((candidate) => candidate.path.startsWith(`${STACKS_DIR}/`))) {
    const name = entry.path.slice(STACKS_DIR.length + 1);
    const classified = classifyStacksEntry(name, entry.kind, entry.size);
    if (classified.kind === "owner") owners.push(blobSource(root, entry));
    else if (classified.kind === "rejected" && isOwnerFileName(name))
      owners.push({ file: entry.path, text: undefined, problem: classified.message });
    else if (classified.kind === "rejected") strays.push(fileProblem(entry.path, classified.message));
  }
  owners.sort((a, b) => a.file.localeCompare(b.file));
  return {
    layers: Object.fromEntries(
      ENVIRONMENTS.map((environment) => [environment, layer(environmentLayerFileName(environment))]),
    ) as FleetSources["layers"],
    owners,
    strays,
  };
}

/**
 * Files changed since `commit` (a SHA from assertCommit), committed or not (including new untracked files). Rename
 * and copy detection are off (`--no-renames`, whatever `diff.renames` says): a renamed owner file is its old path
 * deleted and its new path added, so the old owner's stacks are preselected too. Names are NUL-separated (`-z`), so a
 * name with a newline, a quote or a non-ASCII letter arrives as it is, never quoted.
 */
export function changedFilesSince(root: string, commit: string): string[] {
  const files = (...args: string[]) =>
    git(root, ["-c", "core.quotePath=false", ...args])
      .split("\0")
      .filter(Boolean);
  return [
    ...new Set([
      ...files("diff", "--name-only", "--no-renames", "-z", "--end-of-options", commit),
      ...files("ls-files", "--others", "--exclude-standard", "-z"),
    ]),
  ].sort();
}

/** Why `ref` cannot be the base of a comparison in `root` (a usage error), or undefined when it is a commit. */
export function baseRefError(root: string, ref: string): string | undefined {
  try {
    assertCommit(root, ref);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The lock reason of this tool's worktrees: who made it, so a later run can tell a dead run's leftovers. */
const WORKTREE_LOCK = /^altinn-apps-infra \(pid (\d+) on (.+)\)$/;

/**
 * A detached checkout of `commit` at `directory`, sharing `root`'s object store. It is locked with this process's id
 * and host as the reason: `git worktree prune` (and git's gc) leave it alone while it runs, and staleWorktrees finds
 * it once this process is gone.
 */
export function addWorktree(root: string, directory: string, commit: string): void {
  const reason = `altinn-apps-infra (pid ${process.pid} on ${hostname()})`;
  git(root, ["worktree", "add", "--detach", "--quiet", "--lock", "--reason", reason, directory, commit]);
}

/** Unregister the worktree and delete its checkout (locked or not, its directory present or not). */
export function removeWorktree(root: string, directory: string): void {
  git(root, ["worktree", "remove", "--force", "--force", directory]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Worktrees this tool added (see addWorktree) whose process no longer runs on this host: what a `kill -9` or a
 * crash left. Another run's worktree, or one of another host sharing the repository, is never in the list.
 */
export function staleWorktrees(root: string): string[] {
  const records = git(root, ["worktree", "list", "--porcelain", "-z"]).split("\0\0");
  return records.flatMap((record) => {
    const fields = record.split("\0");
    const directory = fields.find((field) => field.startsWith("worktree "))?.slice("worktree ".length);
    const lock = WORKTREE_LOCK.exec(fields.find((field) => field.startsWith("locked "))?.slice("locked ".length) ?? "");
    if (!directory || !lock) return [];
    return lock[2] === hostname() && !isRunning(Number(lock[1])) ? [directory] : [];
  });
}
