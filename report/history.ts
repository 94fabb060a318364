import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { isOwnerFileName, STACKS_DIR } from "../infra/model/fleet";
import { decodeText, MAX_FILE_BYTES } from "../infra/model/inputFiles";

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
      /** Versions of owner files that were not read (over the owner-file limit), one line each. */
      readonly warnings: readonly string[];
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

interface Commit {
  readonly origin: GrantOrigin;
  /** Owner files the commit changed, each with its new blob (undefined: deleted, or not a regular file). */
  readonly files: readonly { readonly file: string; readonly blob: string | undefined }[];
}

/** A commit's header, one field per NUL-separated token (git refuses NUL in what it records). */
const HEADER = "%H%x00%cI%x00%an%x00%s";
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** `--raw` for one path: `:<old mode> <new mode> <old blob> <new blob> <status>`, the path in the next token. */
const RAW_ENTRY = /^\n?:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([ADMT])$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;
const REGULAR_FILE = /^100(644|755)$/;
const MISSING_BLOB = /^0+$/;

/** Author names and subjects are shown as text: control characters (a terminal escape, say) become U+FFFD. */
const shownText = (value: string, max: number) =>
  // eslint-disable-next-line no-control-regex
  value.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\ufffd").slice(0, max);

class UnreadableHistory extends Error {}

/**
 * `git log -z --raw` as commits. Every token is in a known position and checked before use: an object id is hex of
 * the right length, an instant is ISO 8601 with an offset, a path is an owner file name; a commit whose tokens do not
 * fit is not guessed at (the history is then unavailable, with the reason).
 */
function parseLog(log: string, boundary: ReadonlySet<string>, isOwnerFile: (file: string) => boolean): Commit[] {
  const tokens = log.split("\0");
  if (tokens[tokens.length - 1] === "") tokens.pop();
  const commits: Commit[] = [];
  let index = 0;
  while (index < tokens.length) {
    const [commit = "", committedAt = "", author = "", subject = ""] = tokens.slice(index, index + 4);
    index += 4;
    if (!OBJECT_ID.test(commit)) throw new UnreadableHistory(`an entry of git log is not a commit id`);
    if (!ISO_INSTANT.test(committedAt) || Number.isNaN(Date.parse(committedAt)))
      throw new UnreadableHistory(`commit ${commit.slice(0, 12)} has a commit date git cannot print as a date`);
    const files: { file: string; blob: string | undefined }[] = [];
    for (let raw = RAW_ENTRY.exec(tokens[index] ?? ""); raw; raw = RAW_ENTRY.exec(tokens[index] ?? "")) {
      const [, , mode = "", , blob = "", status = ""] = raw;
      const file = tokens[index + 1] ?? "";
      index += 2;
      if (!isOwnerFile(file)) continue;
      const regular = status !== "D" && REGULAR_FILE.test(mode) && !MISSING_BLOB.test(blob);
      files.push({ file, blob: regular ? blob : undefined });
    }
    commits.push({
      origin: {
        commit,
        committedAt,
        author: shownText(author, 200),
        subject: shownText(subject, 500),
        atOrBefore: boundary.has(commit),
      },
      files,
    });
  }
  return commits;
}

/**
 * One `git log` pass over stacks/ (first parent: on main that is the merge or squash commit of the pull request,
 * i.e. when the grant took effect), one `git cat-file --batch-check` for the sizes of the owner file versions it
 * names and one `git cat-file --batch` for those within the owner-file limit (a larger one is skipped with a warning,
 * never read). Each version's grants are compared with the previous version's, so a grant's origin is the commit
 * after which it has existed without interruption; reformatting or editing its expiry does not move it, as a line
 * blame would.
 */
export function readGrantHistory(root: string): GrantHistory {
  let head: string;
  try {
    head = git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]).toString("utf8").trim();
  } catch {
    return { available: false, reason: `${root} is not a git repository with commits` };
  }
  const shallow = git(root, ["rev-parse", "--is-shallow-repository"]).toString("utf8").trim() === "true";
  const log = git(root, [
    "log",
    "-z",
    "--first-parent",
    "--diff-merges=first-parent",
    "--reverse",
    "--no-renames",
    "--no-abbrev",
    "--relative",
    "--raw",
    `--format=${HEADER}`,
    "--",
    `${STACKS_DIR}/`,
  ]).toString("utf8");
  const oldest = shallow ? git(root, ["rev-list", "--max-parents=0", "HEAD"]).toString("utf8").split("\n") : [];
  let commits: Commit[];
  try {
    commits = parseLog(log, new Set(oldest.filter(Boolean)), isOwnerFilePath);
  } catch (error) {
    if (!(error instanceof UnreadableHistory)) throw error;
    return { available: false, reason: `the git history cannot be read safely: ${error.message}` };
  }
  const warnings: string[] = [];
  const blobs = [...new Set(commits.flatMap((commit) => commit.files.flatMap(({ blob }) => blob ?? [])))];
  const contents = readBlobs(root, blobs, (blob, size) => {
    const where = commits.flatMap((commit) =>
      commit.files
        .filter((file) => file.blob === blob)
        .map(({ file }) => `${file} at ${commit.origin.commit.slice(0, 7)}`),
    );
    warnings.push(`${where.join(", ")}: ${size} bytes, over the limit of ${MAX_FILE_BYTES}: not read`);
  });

  const current = new Map<string, Map<string, GrantOrigin>>();
  for (const commit of commits) {
    for (const { file, blob } of commit.files) {
      const keys = blob === undefined ? new Set<string>() : grantKeysOf(contents.get(blob));
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
    warnings,
    origin: (file, key) => current.get(file)?.get(key),
  };
}

/** `stacks/<name>.yaml` directly in stacks/, as the fleet reads owner files. */
function isOwnerFilePath(file: string): boolean {
  const name = file.slice(STACKS_DIR.length + 1);
  return file.startsWith(`${STACKS_DIR}/`) && !name.includes("/") && isOwnerFileName(name);
}

/**
 * The content of each blob within the owner-file limit, by object id (ids only go to git, one per line: no path is
 * ever parsed back). A blob over the limit is reported to `onTooLarge` and not read.
 */
function readBlobs(
  root: string,
  blobs: readonly string[],
  onTooLarge: (blob: string, size: number) => void,
): Map<string, Buffer> {
  const contents = new Map<string, Buffer>();
  if (blobs.length === 0) return contents;
  const sizes = git(root, ["cat-file", "--batch-check"], Buffer.from(`${blobs.join("\n")}\n`))
    .toString("utf8")
    .split("\n")
    .filter(Boolean);
  const wanted = sizes.flatMap((line) => {
    const [blob = "", type = "", size = ""] = line.split(" ");
    if (type !== "blob" || !/^\d+$/.test(size) || !OBJECT_ID.test(blob)) return [];
    if (Number(size) > MAX_FILE_BYTES) {
      onTooLarge(blob, Number(size));
      return [];
    }
    return [blob];
  });
  if (wanted.length === 0) return contents;
  const output = git(root, ["cat-file", "--batch"], Buffer.from(`${wanted.join("\n")}\n`));
  let offset = 0;
  while (offset < output.length) {
    const lineEnd = output.indexOf(10, offset);
    if (lineEnd === -1) break;
    const [blob = "", type = "", size = ""] = output.toString("utf8", offset, lineEnd).split(" ");
    offset = lineEnd + 1;
    if (type !== "blob" || !/^\d+$/.test(size)) continue;
    contents.set(blob, output.subarray(offset, offset + Number(size)));
    offset += Number(size) + 1;
  }
  return contents;
}

/**
 * The grants in one historical version of an owner file; undefined when it was not read (too large) or is not
 * readable UTF-8 YAML: then the last known grants stand.
 */
function grantKeysOf(bytes: Buffer | undefined): Set<string> | undefined {
  if (bytes === undefined) return undefined;
  const decoded = decodeText(bytes);
  if ("problem" in decoded) return undefined;
  let data: unknown;
  try {
    data = parse(decoded.text, { maxAliasCount: 100 });
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
