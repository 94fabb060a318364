import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { STACKS_DIR } from "../infra/model";

/** The commit that added a grant, as recorded on the first-parent line of the checked-out branch. */
export interface GrantOrigin {
  readonly commit: string;
  /** An instant (ISO 8601 with offset), shown in Norwegian time. */
  readonly committedAt: string;
  readonly author: string;
  readonly subject: string;
  /** The commit is the oldest one of a shallow clone: the grant was added in it or before it. */
  readonly atOrBefore: boolean;
}

export type GrantHistory =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly head: string;
      readonly commits: number;
      readonly shallow: boolean;
      /** The origin of a grant in an owner file, by `grantKey`; a grant absent here is not committed yet. */
      origin(file: string, key: string): GrantOrigin | undefined;
    };

/** A grant's identity across edits: changing its expiry, ticket or reason keeps it the same grant. */
export function grantKey(grant: { readonly user: string; readonly role: string; readonly environment: string }) {
  return `${grant.user}\u0000${grant.role}\u0000${grant.environment}`;
}

function git(root: string, args: readonly string[], input?: Buffer): Buffer {
  return execFileSync("git", args, { cwd: root, input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 1 << 30 });
}

const RECORD = "\u001e";
const FIELD = "\u001f";

interface Commit {
  readonly origin: GrantOrigin;
  readonly files: readonly string[];
}

/**
 * One `git log` pass over stacks/ (first parent: on main that is the merge or squash commit of the pull request,
 * i.e. when the grant took effect) and one `git cat-file --batch` for every owner file version it names. Each
 * version's grants are compared with the previous version's, so a grant's origin is the commit after which it has
 * existed without interruption; reformatting or editing its expiry does not move it, as a line blame would.
 */
export function readGrantHistory(root: string): GrantHistory {
  let prefix: string;
  let head: string;
  try {
    prefix = git(root, ["rev-parse", "--show-prefix"]).toString("utf8").trim();
    head = git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]).toString("utf8").trim();
  } catch {
    return { available: false, reason: `${root} is not a git repository with commits` };
  }
  const shallow = git(root, ["rev-parse", "--is-shallow-repository"]).toString("utf8").trim() === "true";
  const log = git(root, [
    "log",
    "--first-parent",
    "--diff-merges=first-parent",
    "--reverse",
    "--no-renames",
    "--relative",
    "--name-only",
    `--format=${RECORD}%H${FIELD}%cI${FIELD}%an${FIELD}%s`,
    "--",
    `${STACKS_DIR}/`,
  ]).toString("utf8");
  const oldest = shallow ? git(root, ["rev-list", "--max-parents=0", "HEAD"]).toString("utf8").split("\n") : [];
  const commits = parseLog(log, new Set(oldest.filter(Boolean)));
  const versions = commits.flatMap((commit) => commit.files.map((file) => `${commit.origin.commit}:${prefix}${file}`));
  const contents = versions.length > 0 ? catFiles(root, versions) : [];

  const current = new Map<string, Map<string, GrantOrigin>>();
  let version = 0;
  for (const commit of commits) {
    for (const file of commit.files) {
      const keys = grantKeysOf(contents[version++]);
      if (keys === undefined) continue;
      const before = current.get(file) ?? new Map<string, GrantOrigin>();
      current.set(file, new Map([...keys].map((key) => [key, before.get(key) ?? commit.origin])));
    }
  }
  return {
    available: true,
    head,
    commits: commits.length,
    shallow,
    origin: (file, key) => current.get(file)?.get(key),
  };
}

function parseLog(log: string, boundary: ReadonlySet<string>): Commit[] {
  return log
    .split(RECORD)
    .filter((record) => record.trim())
    .map((record) => {
      const [header = "", ...files] = record.split("\n");
      const [commit = "", committedAt = "", author = "", subject = ""] = header.split(FIELD);
      return {
        origin: { commit, committedAt, author, subject, atOrBefore: boundary.has(commit) },
        files: files.filter((file) => file.endsWith(".yaml")),
      };
    });
}

/** The content of each `<commit>:<path>`, in order; undefined where the file does not exist (deleted). */
function catFiles(root: string, names: readonly string[]): (string | undefined)[] {
  const output = git(root, ["cat-file", "--batch"], Buffer.from(`${names.join("\n")}\n`));
  const contents: (string | undefined)[] = [];
  let offset = 0;
  while (offset < output.length) {
    const lineEnd = output.indexOf(10, offset);
    const header = output.toString("utf8", offset, lineEnd);
    offset = lineEnd + 1;
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) {
      contents.push(undefined);
      continue;
    }
    contents.push(output.toString("utf8", offset, offset + Number(size)));
    offset += Number(size) + 1;
  }
  return contents;
}

/** The grants in one historical version of an owner file; undefined when it is not readable YAML (keep the last). */
function grantKeysOf(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return new Set();
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return undefined;
  }
  const access = (data as { access?: unknown } | null)?.access;
  if (!Array.isArray(access)) return new Set();
  return new Set(
    access.flatMap((grant: unknown) => {
      const { user, role, environment } = (grant ?? {}) as Record<string, unknown>;
      return typeof user === "string" && typeof role === "string" && typeof environment === "string"
        ? [grantKey({ user, role, environment })]
        : [];
    }),
  );
}
