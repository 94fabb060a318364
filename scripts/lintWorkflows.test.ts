import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { main } from "./lintWorkflows";

describe("npm run lint:workflows (the security rules)", () => {
  const output = captureOutput();

  it("exits 0 silently for this repository's workflows", () => {
    expect(main([])).toBe(0);
    expect(output.stdout()).toBe("");
  });

  it("exits 1 listing every problem as file:line:column: rule: message", () => {
    const root = mkdtempSync(path.join(tmpdir(), "lint-workflows-"));
    mkdirSync(path.join(root, ".github/workflows"), { recursive: true });
    writeFileSync(
      path.join(root, ".github/workflows/pr.yml"),
      [
        "on: pull_request",
        "permissions:",
        "  id-token: write",
        "jobs:",
        "  check:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: git diff origin/${{ github.base_ref }} && npm ci",
      ].join("\n"),
    );
    expect(main(["--root", root])).toBe(1);
    expect(output.stdout().split("\n")).toEqual([
      ".github/workflows/pr.yml:2:1: workflow-permissions: workflow-level `id-token: write` gives every job a cloud login token: grant it only to the jobs that log in to Azure",
      ".github/workflows/pr.yml:5:3: job-permissions: job check declares no permissions: it gets the repository's default token permissions",
      ".github/workflows/pr.yml:5:3: oidc-environment: job check can get an OIDC token but names no environment: its subject would not be repo:<owner>/<repo>:environment:<name>, and no environment's protection rules would gate it",
      ".github/workflows/pr.yml:5:3: pull-request-code: job check holds id-token: write in a pull_request workflow: GitHub runs the pull request's copy of this file, so its author can edit any gate away",
      ".github/workflows/pr.yml:8:14: npm-ignore-scripts: job check holds id-token: write and runs `npm ci` without --ignore-scripts: a dependency's lifecycle script would run with it",
      '.github/workflows/pr.yml:8:30: expression-in-run: `${{ github.base_ref }}` in run: is spliced into the script before the shell sees it; set it in the step\'s env: and use "$NAME"',
      "6 workflow problem(s)",
      "",
    ]);
  });

  it("exits 2 on a usage error", () => {
    expect(main(["--bogus"])).toBe(2);
  });
});
