import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { ownerDocument } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { grantKey, readGrantHistory } from "./history";

function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test Author",
      GIT_AUTHOR_EMAIL: "author@example.no",
      GIT_COMMITTER_NAME: "Test Committer",
      GIT_COMMITTER_EMAIL: "committer@example.no",
    },
  }).trim();
}

const DEV_TT02 = { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" } as const;
const DEV_PROD = { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod" } as const;
const OPS_PROD = { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "prod" } as const;

function writeOwner(root: string, access: readonly object[]): void {
  writeFileSync(path.join(root, "stacks/abc.yaml"), stringify(ownerDocument("abc", { access })));
}

function commit(root: string, message: string, date: string, command = ["commit", "-q", "-m", message]): string {
  git(root, "add", "-A");
  execFileSync("git", command, {
    cwd: root,
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: "Kari Nordmann" },
  });
  return git(root, "rev-parse", "HEAD");
}

/** The origin of an owner abc's grant, read from the history of `root`. */
function originOf(root: string, grant: Parameters<typeof grantKey>[0]) {
  const history = readGrantHistory(root);
  if (!history.available) throw new Error(history.reason);
  return history.origin("stacks/abc.yaml", grantKey(grant));
}

function repository(): string {
  const root = writeRepository([]);
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.name", "Test");
  git(root, "config", "user.email", "test@example.no");
  git(root, "config", "commit.gpgsign", "false");
  return root;
}

describe("readGrantHistory", () => {
  it("attributes each grant to the commit after which it has existed without interruption", () => {
    const root = repository();
    writeOwner(root, [DEV_TT02, OPS_PROD]);
    commit(root, "Add abc", "2025-01-10T09:00:00+01:00");
    writeOwner(root, [DEV_TT02, { ...OPS_PROD, expires: "2027-01-31" }, DEV_PROD]);
    const second = commit(root, "Grant prod logs to dev", "2025-03-01T12:00:00+01:00");
    writeOwner(root, [DEV_PROD]);
    commit(root, "Remove tt02 and ops", "2025-04-01T12:00:00+02:00");
    writeOwner(root, [DEV_PROD, DEV_TT02]);
    const fourth = commit(root, "Give tt02 back", "2025-05-01T12:00:00+02:00");
    writeOwner(root, [DEV_PROD, DEV_TT02, OPS_PROD]);

    const history = readGrantHistory(root);
    if (!history.available) throw new Error(history.reason);
    expect(history).toMatchObject({ available: true, commits: 4, shallow: false, head: fourth });
    expect(history.origin("stacks/abc.yaml", grantKey(DEV_PROD))).toEqual({
      commit: second,
      committedAt: "2025-03-01T12:00:00+01:00",
      author: "Kari Nordmann",
      subject: "Grant prod logs to dev",
      atOrBefore: false,
    });
    // Removed and added again: the later addition counts.
    expect(history.origin("stacks/abc.yaml", grantKey(DEV_TT02))?.commit).toBe(fourth);
    // In the working tree only: not committed yet.
    expect(history.origin("stacks/abc.yaml", grantKey(OPS_PROD))).toBeUndefined();
  });

  it("keeps a grant's origin when only its expiry, ticket or reason changes, or the file is reformatted", () => {
    const root = repository();
    writeOwner(root, [DEV_PROD]);
    const added = commit(root, "Add", "2025-01-10T09:00:00Z");
    writeFileSync(
      path.join(root, "stacks/abc.yaml"),
      `# reformatted\n${stringify(ownerDocument("abc", { access: [{ ...DEV_PROD, expires: "2027-06-30", ticket: "X-1" }] }), { indent: 4 })}`,
    );
    commit(root, "Extend", "2025-02-10T09:00:00Z");
    expect(originOf(root, DEV_PROD)?.commit).toBe(added);
  });

  it("follows the first parent: a grant merged from a branch dates from the merge", () => {
    const root = repository();
    writeOwner(root, [DEV_TT02]);
    commit(root, "Add abc", "2025-01-10T09:00:00Z");
    git(root, "checkout", "-q", "-b", "request");
    writeOwner(root, [DEV_TT02, DEV_PROD]);
    commit(root, "Request prod logs", "2025-01-11T09:00:00Z");
    git(root, "checkout", "-q", "main");
    writeFileSync(path.join(root, "README.md"), "unrelated\n");
    commit(root, "Unrelated", "2025-01-12T09:00:00Z");
    const merge = ["merge", "-q", "--no-ff", "-m", "Merge pull request #7 from request", "request"];
    commit(root, "", "2025-01-13T09:00:00Z", merge);
    expect(originOf(root, DEV_PROD)?.subject).toBe("Merge pull request #7 from request");
  });

  it("skips a historical version that is not valid YAML instead of forgetting the grants", () => {
    const root = repository();
    writeOwner(root, [DEV_PROD]);
    const added = commit(root, "Add", "2025-01-10T09:00:00Z");
    writeFileSync(path.join(root, "stacks/abc.yaml"), "access: [\n");
    commit(root, "Broken", "2025-01-11T09:00:00Z");
    writeOwner(root, [DEV_PROD]);
    commit(root, "Fixed", "2025-01-12T09:00:00Z");
    expect(originOf(root, DEV_PROD)?.commit).toBe(added);
  });

  it("marks grants from the oldest commit of a shallow clone as added at or before it", () => {
    const origin = repository();
    writeOwner(origin, [DEV_TT02]);
    commit(origin, "Add", "2025-01-10T09:00:00Z");
    writeOwner(origin, [DEV_TT02, DEV_PROD]);
    commit(origin, "Grant", "2025-01-11T09:00:00Z");
    const clone = path.join(mkdtempSync(path.join(tmpdir(), "shallow-")), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, clone]);
    const history = readGrantHistory(clone);
    expect(history).toMatchObject({ available: true, shallow: true });
    expect(history.available && history.origin("stacks/abc.yaml", grantKey(DEV_PROD))).toMatchObject({
      subject: "Grant",
      atOrBefore: true,
    });
  });

  it("takes each field from its own NUL-separated place: a subject cannot forge another commit, date or author", () => {
    const root = repository();
    writeOwner(root, [DEV_TT02]);
    commit(root, "Add", "2025-01-10T09:00:00Z");
    writeOwner(root, [DEV_TT02, DEV_PROD]);
    const forged = "\u001e" + "f".repeat(40) + "\u001f2019-01-01T00:00:00+01:00\u001fMallory\u001fGranted long ago\n";
    const real = commit(root, `Grant prod${forged}`, "2025-03-01T12:00:00+01:00");
    writeOwner(root, [DEV_TT02, DEV_PROD, OPS_PROD]);
    const malformed = "\u001e" + "e".repeat(40) + "\u001fnot a date\u001fMallory\u001fx";
    const third = commit(root, `Grant ops${malformed}`, "2025-04-01T12:00:00+02:00");
    expect(originOf(root, DEV_PROD)).toEqual({
      commit: real,
      committedAt: "2025-03-01T12:00:00+01:00",
      author: "Kari Nordmann",
      subject: `Grant prod\ufffd${"f".repeat(40)}\ufffd2019-01-01T00:00:00+01:00\ufffdMallory\ufffdGranted long ago`,
      atOrBefore: false,
    });
    expect(originOf(root, OPS_PROD)?.commit).toBe(third);
  });

  it("skips, with a warning, a historical version over the owner-file limit, and never reads it", () => {
    const root = repository();
    writeOwner(root, [DEV_PROD]);
    const added = commit(root, "Add", "2025-01-10T09:00:00Z");
    const large = `# ${"x".repeat(600 * 1024)}\n${stringify(ownerDocument("abc", { access: [OPS_PROD] }))}`;
    writeFileSync(path.join(root, "stacks/abc.yaml"), large);
    const big = commit(root, "Large", "2025-01-11T09:00:00Z");
    writeOwner(root, [DEV_PROD, OPS_PROD]);
    const third = commit(root, "Back to normal", "2025-01-12T09:00:00Z");
    const history = readGrantHistory(root);
    if (!history.available) throw new Error(history.reason);
    expect(history.warnings).toEqual([
      `stacks/abc.yaml at ${big.slice(0, 7)}: ${Buffer.byteLength(large)} bytes, over the limit of 524288: not read`,
    ]);
    expect(history.origin("stacks/abc.yaml", grantKey(DEV_PROD))?.commit).toBe(added);
    expect(history.origin("stacks/abc.yaml", grantKey(OPS_PROD))?.commit).toBe(third);
  });

  it("is unavailable, with the reason, outside a git repository or before the first commit", () => {
    const root = writeRepository([]);
    expect(readGrantHistory(root)).toEqual({
      available: false,
      reason: `${root} is not a git repository with commits`,
    });
    git(root, "init", "-q");
    expect(readGrantHistory(root).available).toBe(false);
  });
});
