import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";

describe("dependencies' install scripts", () => {
  it("are all reviewed, so npm ci lists none it skipped", () => {
    const listed = execFileSync("npm", ["install-scripts", "ls"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(listed.trim()).toBe("No packages with unreviewed install scripts.");
  });

  it("are all denied: CI installs with --ignore-scripts, so a local install runs what CI runs", () => {
    const { allowScripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      allowScripts: Record<string, boolean>;
    };
    expect(Object.values(allowScripts).every((allowed) => !allowed)).toBe(true);
  });
});
