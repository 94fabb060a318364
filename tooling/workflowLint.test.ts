import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";
import { lintAction, lintRepositoryWorkflows, lintWorkflow, type WorkflowFinding } from "./workflowLint";

const CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";

/** A workflow that passes every rule; each test breaks one thing in it. */
function workflow({
  on = "push",
  top = "",
  permissions = "      contents: read",
  steps = "",
}: { on?: string; top?: string; permissions?: string; steps?: string } = {}): string {
  return [
    "name: sample",
    `on: ${on}`,
    top,
    "jobs:",
    "  check:",
    "    runs-on: ubuntu-latest",
    ...(permissions ? ["    permissions:", permissions] : []),
    "    steps:",
    `      - uses: ${CHECKOUT}`,
    "        with:",
    "          persist-credentials: false",
    steps,
  ].join("\n");
}

const brief = (findings: readonly WorkflowFinding[]) => findings.map((f) => `${f.line}:${f.rule}`);

describe("workflow lint", () => {
  it("passes a workflow that follows every rule", () => {
    expect(lintWorkflow("w.yml", workflow({ steps: "      - run: npm ci --ignore-scripts" }))).toEqual([]);
  });

  it("finds an event value interpolated into run:, on the expression's own line", () => {
    const text = workflow({
      steps: [
        "      - run: |",
        "          echo start",
        '          git diff "origin/${{ github.base_ref }}"',
        "      - env:",
        "          BASE: ${{ github.base_ref }}",
        '        run: git diff "origin/$BASE"',
      ].join("\n"),
    });
    const findings = lintWorkflow(".github/workflows/pr.yml", text);
    expect(findings).toEqual([
      expect.objectContaining({ file: ".github/workflows/pr.yml", line: 15, rule: "expression-in-run" }),
    ]);
    expect(findings[0]?.message).toContain("`${{ github.base_ref }}`");
  });

  it("finds actions pinned to a tag or a branch, and a SHA without its version comment", () => {
    const text = workflow({
      steps: [
        "      - uses: pulumi/actions@v6",
        "      - uses: azure/login@main",
        "      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020",
        "      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
        "      - uses: ./.github/actions/setup",
        "      - uses: docker://alpine:3",
      ].join("\n"),
    });
    expect(brief(lintWorkflow("w.yml", text))).toEqual([
      "13:unpinned-action",
      "14:unpinned-action",
      "15:unpinned-action",
      "18:unpinned-action",
    ]);
  });

  it("finds a reusable workflow called by tag", () => {
    const text = "on: push\njobs:\n  call:\n    permissions: {}\n    uses: org/repo/.github/workflows/x.yml@v1\n";
    expect(brief(lintWorkflow("w.yml", text))).toEqual(["5:unpinned-action"]);
  });

  it("refuses workflow-level permissions, naming id-token: write, and jobs without their own", () => {
    const findings = lintWorkflow(
      "w.yml",
      workflow({ top: "permissions:\n  contents: read\n  id-token: write", permissions: "" }),
    );
    expect(brief(findings)).toEqual(["3:workflow-permissions", "7:job-permissions", "7:oidc-environment"]);
    expect(findings[0]?.message).toContain("id-token: write");
    expect(brief(lintWorkflow("w.yml", workflow({ top: "permissions: {}" })))).toEqual([]);
    expect(lintWorkflow("w.yml", workflow({ top: "permissions: read-all" }))[0]?.message).toContain(
      "declare them on each job",
    );
  });

  it("finds npm ci without --ignore-scripts in a job that can log in to Azure, holds a write token or a secret", () => {
    for (const permissions of ["      id-token: write", "      contents: write", "      contents: read"]) {
      const findings = lintWorkflow(
        "w.yml",
        workflow({ permissions, steps: "      - run: npm ci --no-audit && npm test" }),
      );
      const expected = permissions.includes("write") ? ["13:npm-ignore-scripts"] : [];
      expect(brief(findings)).toEqual(
        permissions.includes("id-token") ? ["5:oidc-environment", ...expected] : expected,
      );
    }
    const secret = workflow({ steps: "      - run: npm install\n        env:\n          KEY: ${{ secrets.APP_KEY }}" });
    const secretFindings = lintWorkflow("w.yml", secret);
    expect(brief(secretFindings)).toEqual(["5:secrets-environment", "13:npm-ignore-scripts"]);
    expect(secretFindings[1]?.message).toMatch(/holds secrets.APP_KEY and runs `npm install`/);
    // Job permissions inherited from the workflow level count too.
    const inherited = workflow({
      top: "permissions:\n  id-token: write",
      permissions: "",
      steps: "      - run: npm ci",
    });
    expect(brief(lintWorkflow("w.yml", inherited))).toContain("12:npm-ignore-scripts");
  });

  it("requires an environment on a job that can get an OIDC token, unless it calls a reusable workflow", () => {
    const text = workflow({ permissions: "      id-token: write" });
    const findings = lintWorkflow("w.yml", text);
    expect(brief(findings)).toEqual(["5:oidc-environment"]);
    expect(findings[0]?.message).toContain("job check can get an OIDC token but names no environment");
    const withEnvironment = text.replace(
      "    runs-on: ubuntu-latest",
      "    runs-on: ubuntu-latest\n    environment: preview",
    );
    expect(lintWorkflow("w.yml", withEnvironment)).toEqual([]);
    const caller =
      "on: push\njobs:\n  up:\n    permissions:\n      id-token: write\n    uses: ./.github/workflows/up.yml\n";
    expect(lintWorkflow("w.yml", caller)).toEqual([]);
  });

  it("follows a local composite action and names its file and line", () => {
    const action = lintAction(
      ".github/actions/setup/action.yml",
      "name: s\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: npm ci\n      shell: bash\n",
    );
    expect(action.findings).toEqual([]);
    const text = workflow({ permissions: "      id-token: write", steps: "      - uses: ./.github/actions/setup" });
    const findings = lintWorkflow(
      "w.yml",
      text,
      new Map([[".github/actions/setup", { file: ".github/actions/setup/action.yml", source: action.source }]]),
    );
    expect(brief(findings)).toEqual(["5:oidc-environment", "13:npm-ignore-scripts"]);
    expect(findings[1]?.message).toContain("through ./.github/actions/setup (.github/actions/setup/action.yml:6)");
  });

  it("requires persist-credentials: false on checkout", () => {
    const text = "on: push\njobs:\n  a:\n    permissions: {}\n    steps:\n      - uses: " + CHECKOUT + "\n";
    expect(brief(lintWorkflow("w.yml", text))).toEqual(["6:checkout-credentials"]);
  });

  it("refuses pull request code in workflow_run and pull_request_target workflows", () => {
    const text = workflow({
      on: "workflow_run",
      steps: [
        `      - uses: ${CHECKOUT}`,
        "        with:",
        "          persist-credentials: false",
        "          ref: ${{ github.event.workflow_run.head_sha }}",
        "      - uses: ./.github/actions/setup",
      ].join("\n"),
    });
    // The local action follows the sample's checkout of the default branch: main's own action.
    expect(brief(lintWorkflow("w.yml", text))).toEqual(["16:untrusted-checkout"]);
    const before = [
      "on: pull_request_target",
      "jobs:",
      "  a:",
      "    permissions: {}",
      "    steps:",
      "      - uses: ./.github/actions/setup",
      `      - uses: ${CHECKOUT}`,
      "        with:",
      "          persist-credentials: false",
    ].join("\n");
    const findings = lintWorkflow("w.yml", before);
    expect(brief(findings)).toEqual(["6:untrusted-checkout"]);
    expect(findings[0]?.message).toContain("before checking out the default branch");
  });

  it("refuses a secret in a job without an environment, and accepts it with one", () => {
    const text = workflow({ steps: "      - env:\n          KEY: ${{ secrets.APP_KEY }}\n        run: echo ok" });
    const findings = lintWorkflow("w.yml", text);
    expect(brief(findings)).toEqual(["5:secrets-environment"]);
    expect(findings[0]?.message).toContain("job check reads secrets.APP_KEY but names no environment");
    const withEnvironment = text.replace(
      "    runs-on: ubuntu-latest",
      "    runs-on: ubuntu-latest\n    environment: automation",
    );
    expect(lintWorkflow("w.yml", withEnvironment)).toEqual([]);
    const token = workflow({
      steps: "      - env:\n          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n        run: echo ok",
    });
    expect(lintWorkflow("w.yml", token)).toEqual([]);
  });

  it.each(["pull_request", "pull_request_review", "[pull_request_review_comment, push]"])(
    "treats %s as running pull request code: no OIDC token, write permission, secret or reusable workflow",
    (on) => {
      const withEnvironment = (permissions: string) =>
        workflow({ on, permissions }).replace(
          "    runs-on: ubuntu-latest",
          "    runs-on: ubuntu-latest\n    environment: preview",
        );
      expect(brief(lintWorkflow("w.yml", withEnvironment("      id-token: write")))).toEqual(["5:pull-request-code"]);
      expect(lintWorkflow("w.yml", withEnvironment("      id-token: write"))[0]?.message).toContain(
        "GitHub runs the pull request's copy of this file",
      );
      expect(brief(lintWorkflow("w.yml", withEnvironment("      pull-requests: write")))).toEqual([
        "5:pull-request-code",
      ]);
      expect(lintWorkflow("w.yml", withEnvironment("      contents: read"))).toEqual([]);
      const caller = `on: ${on}\njobs:\n  up:\n    permissions:\n      contents: read\n    uses: ./.github/workflows/up.yml\n`;
      expect(brief(lintWorkflow("w.yml", caller))).toEqual(["3:pull-request-code"]);
    },
  );

  it("reports invalid YAML with its position", () => {
    expect(brief(lintWorkflow("w.yml", "on: [push\njobs: {}\n"))).toEqual([expect.stringMatching(/:yaml$/)]);
  });

  it("checks every file under .github of a repository, sorted, and this repository's own files pass", () => {
    const root = mkdtempSync(path.join(tmpdir(), "workflow-lint-"));
    mkdirSync(path.join(root, ".github/workflows"), { recursive: true });
    mkdirSync(path.join(root, ".github/actions/login"), { recursive: true });
    writeFileSync(path.join(root, ".github/workflows/b.yml"), "on: push\njobs:\n  x:\n    steps: []\n");
    writeFileSync(path.join(root, ".github/workflows/a.yaml"), "on: push\npermissions: write-all\njobs: {}\n");
    writeFileSync(
      path.join(root, ".github/actions/login/action.yml"),
      "runs:\n  using: composite\n  steps:\n    - uses: azure/login@v2\n",
    );
    expect(lintRepositoryWorkflows(root).map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      ".github/actions/login/action.yml:4:unpinned-action",
      ".github/workflows/a.yaml:2:workflow-permissions",
      ".github/workflows/b.yml:3:job-permissions",
    ]);
    expect(lintRepositoryWorkflows(REPO_ROOT)).toEqual([]);
  });
});
