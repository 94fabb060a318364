import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * Vitest global setup: every test's temporary files (scratch repositories, worktrees, caches, reports) under one
 * folder of this run, removed when the run ends. Tests make them with `mkdtempSync(path.join(tmpdir(), …))` and
 * many keep them for their whole file; without this, each run left thousands of folders in the system's /tmp.
 * The forks inherit TMPDIR (Node's `os.tmpdir()` reads it), and so do the CLIs and git processes the tests start.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), "altinn-apps-tests-"));
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = root;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
