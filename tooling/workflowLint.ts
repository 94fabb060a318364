import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from "yaml";

/**
 * Security rules for GitHub Actions files that a schema cannot express. Each rule closes one way for a pull request
 * author to reach a token or a cloud credential; docs/operations/workflows.md lists them.
 */
export const WORKFLOW_RULES = {
  "expression-in-run":
    "no ${{ }} expression in run: (an event value, input or output spliced into a shell script can inject commands); pass it through env: and quote the variable",
  "unpinned-action": "every action and reusable workflow pinned by full commit SHA, with its version in a comment",
  "workflow-permissions": "no permissions: at the workflow level other than {}: each job declares its own",
  "job-permissions": "every job declares permissions: (else it gets the repository's default token permissions)",
  "npm-ignore-scripts":
    "a job holding credentials (id-token: write, a write permission or a secret) runs npm ci/install only with --ignore-scripts",
  "oidc-environment":
    "a job with id-token: write names an environment: the deploy identities trust only environment subjects, and the environment's protection rules are the gate",
  "secrets-environment":
    "a job that reads a secret (secrets.*, GITHUB_TOKEN excepted) names an environment: secrets live in environments restricted to main, never at the repository level where any branch's workflow can read them",
  "pull-request-code":
    "a workflow a pull request can edit (pull_request, pull_request_review, pull_request_review_comment: GitHub runs the pull request's copy) holds no credential: no id-token: write, no write permission, no secret",
  "checkout-credentials": "actions/checkout with persist-credentials: false (the token must not stay in .git/config)",
  "untrusted-checkout":
    "a pull_request_target or workflow_run workflow runs no pull request code: no checkout ref:, and a local action only after a checkout of the default branch in the same job",
  yaml: "the file is valid YAML",
} as const;
export type WorkflowRule = keyof typeof WORKFLOW_RULES;

export interface WorkflowFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: WorkflowRule;
  readonly message: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const NPM_INSTALL = /\bnpm\s+(?:ci|install|i)\b[^\n;&|]*/g;
const TRIGGERS_WITHOUT_PR_CODE = ["pull_request_target", "workflow_run"];
/** Events whose workflow file, and checkout, are the pull request's own: its author can edit any gate in them. */
const TRIGGERS_WITH_PR_CODE = ["pull_request", "pull_request_review", "pull_request_review_comment"];
const SECRET = /\$\{\{[^}]*\bsecrets\.(?!GITHUB_TOKEN\b)(\w+)/;

/** A parsed file with the means to turn a node into a file position. */
class Source {
  readonly lines = new LineCounter();
  readonly root: Node | null;
  readonly findings: WorkflowFinding[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const document = parseDocument(text, { lineCounter: this.lines, keepSourceTokens: false });
    for (const error of document.errors) {
      const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
      this.findings.push({ file, line, column, rule: "yaml", message: error.message.split("\n")[0] ?? "" });
    }
    this.root = document.errors.length > 0 ? null : (document.contents as Node | null);
  }

  report(node: Node | undefined, rule: WorkflowRule, message: string, offset = 0): void {
    const at = this.lines.linePos((node?.range?.[0] ?? 0) + offset);
    this.findings.push({ file: this.file, line: at.line, column: at.col, rule, message });
  }

  /** The source line a node starts on, comments included (the yaml model drops a trailing comment's position). */
  lineOf(node: Node): string {
    const start = node.range?.[0] ?? 0;
    const lineStart = this.text.lastIndexOf("\n", start - 1) + 1;
    const lineEnd = this.text.indexOf("\n", start);
    return this.text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  }
}

function child(node: Node | null | undefined, key: string): Node | undefined {
  return isMap(node) ? ((node as YAMLMap<unknown, Node>).get(key, true) as Node | undefined) : undefined;
}

/** A map's entries as [key, value, key node]: findings about a whole entry point at its key. */
function mapEntries(node: Node | undefined): [string, Node, Node][] {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) =>
    isScalar(pair.key) && pair.value
      ? [[String(pair.key.value), pair.value as Node, pair.key] as [string, Node, Node]]
      : [],
  );
}

function keyNode(node: Node | null | undefined, key: string): Node | undefined {
  return mapEntries(node ?? undefined).find(([name]) => name === key)?.[2];
}

function items(node: Node | undefined): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

function stringValue(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

function keys(node: Node | undefined): string[] {
  if (isScalar(node)) return [String(node.value)];
  if (isSeq(node)) return items(node).map((item) => String(isScalar(item) ? item.value : ""));
  return mapEntries(node).map(([key]) => key);
}

/** `${{ … }}` occurrences in a run: script, with their offset in the source so the line is the expression's own. */
function checkRun(source: Source, run: Node): void {
  const [start, end] = run.range ?? [0, 0];
  const raw = source.text.slice(start, end);
  for (const match of raw.matchAll(/\$\{\{(.*?)\}\}/g)) {
    source.report(
      run,
      "expression-in-run",
      `\`${match[0]}\` in run: is spliced into the script before the shell sees it; set it in the step's env: and use "$NAME"`,
      match.index,
    );
  }
}

function checkUses(source: Source, uses: Node): void {
  const reference = stringValue(uses);
  if (!reference || reference.startsWith("./")) return;
  if (reference.startsWith("docker://")) {
    if (!/@sha256:[0-9a-f]{64}$/.test(reference))
      source.report(uses, "unpinned-action", `\`${reference}\` is not pinned: use the image digest (@sha256:…)`);
    return;
  }
  const at = reference.lastIndexOf("@");
  const version = at === -1 ? "" : reference.slice(at + 1);
  if (!FULL_SHA.test(version)) {
    source.report(
      uses,
      "unpinned-action",
      `\`${reference}\` is not pinned: use the full commit SHA with the version in a comment (\`${reference.slice(0, at === -1 ? undefined : at)}@<40 hex> # vX.Y.Z\`)`,
    );
  } else if (!/#\s*v?\d+(\.\d+)*/.test(source.lineOf(uses))) {
    source.report(
      uses,
      "unpinned-action",
      `\`${reference}\`: add the version the SHA stands for as a comment (# vX.Y.Z)`,
    );
  }
}

function isCheckout(uses: string | undefined): boolean {
  return uses?.split("@")[0]?.toLowerCase() === "actions/checkout";
}

function checkCheckout(source: Source, step: Node, uses: Node): void {
  const persist = child(child(step, "with"), "persist-credentials");
  if (!isScalar(persist) || String(persist.value) !== "false") {
    source.report(persist ?? uses, "checkout-credentials", "actions/checkout needs `persist-credentials: false`");
  }
}

/** The steps of a composite action: the same rules apply to its run: and uses: lines. */
export function lintAction(file: string, text: string): { findings: WorkflowFinding[]; source: Source } {
  const source = new Source(file, text);
  for (const step of items(child(child(source.root, "runs"), "steps"))) checkStep(source, step);
  return { findings: source.findings, source };
}

function checkStep(source: Source, step: Node): void {
  const run = child(step, "run");
  if (run) checkRun(source, run);
  const uses = child(step, "uses");
  if (uses) {
    checkUses(source, uses);
    if (isCheckout(stringValue(uses))) checkCheckout(source, step, uses);
  }
}

/** What a job holds: an OIDC token, a write permission or a secret are each enough to do harm with. */
function credentialsOf(source: Source, job: Node, workflowPermissions: Node | undefined): string | undefined {
  const permissions = child(job, "permissions") ?? workflowPermissions;
  const level = stringValue(permissions);
  if (level === "write-all") return "permissions: write-all";
  for (const [scope, value] of mapEntries(permissions)) {
    if (stringValue(value) === "write") return `${scope}: write`;
  }
  return secretOf(source, job);
}

/** The first secret a job reads (GITHUB_TOKEN is the job's own token, governed by permissions:). */
function secretOf(source: Source, job: Node): string | undefined {
  const [start, end] = job.range ?? [0, 0];
  const secret = SECRET.exec(source.text.slice(start, end));
  return secret ? `secrets.${secret[1]}` : undefined;
}

/** npm install commands without --ignore-scripts in one run: script. */
function npmInstallsWithScripts(script: string): string[] {
  return [...script.matchAll(NPM_INSTALL)]
    .map((match) => match[0].trim())
    .filter((command) => !/--ignore-scripts\b/.test(command));
}

export interface LocalAction {
  readonly file: string;
  readonly source: Source;
}

function checkNpmInstalls(
  source: Source,
  jobName: string,
  credentials: string,
  steps: readonly Node[],
  localActions: ReadonlyMap<string, LocalAction>,
): void {
  for (const step of steps) {
    const run = child(step, "run");
    for (const command of npmInstallsWithScripts(stringValue(run) ?? "")) {
      source.report(
        run,
        "npm-ignore-scripts",
        `job ${jobName} holds ${credentials} and runs \`${command}\` without --ignore-scripts: a dependency's lifecycle script would run with it`,
      );
    }
    const uses = stringValue(child(step, "uses"));
    const action = uses?.startsWith("./") ? localActions.get(path.posix.normalize(uses)) : undefined;
    if (!action) continue;
    for (const actionStep of items(child(child(action.source.root, "runs"), "steps"))) {
      const actionRun = child(actionStep, "run");
      for (const command of npmInstallsWithScripts(stringValue(actionRun) ?? "")) {
        const line = action.source.lines.linePos(actionRun?.range?.[0] ?? 0).line;
        source.report(
          child(step, "uses"),
          "npm-ignore-scripts",
          `job ${jobName} holds ${credentials} and runs \`${command}\` without --ignore-scripts through ${uses} (${action.file}:${line})`,
        );
      }
    }
  }
}

export function lintWorkflow(
  file: string,
  text: string,
  localActions: ReadonlyMap<string, LocalAction> = new Map(),
): WorkflowFinding[] {
  const source = new Source(file, text);
  const workflow = source.root;
  if (!workflow) return source.findings;

  const permissions = child(workflow, "permissions");
  if (permissions && !(isMap(permissions) && permissions.items.length === 0)) {
    const idToken = stringValue(child(permissions, "id-token")) === "write";
    source.report(
      keyNode(workflow, "permissions"),
      "workflow-permissions",
      idToken
        ? "workflow-level `id-token: write` gives every job a cloud login token: grant it only to the jobs that log in to Azure"
        : "workflow-level permissions: apply to every job: declare them on each job instead (the workflow level may only say `permissions: {}`)",
    );
  }

  const triggers = keys(child(workflow, "on"));
  const noPullRequestCode = triggers.filter((trigger) => TRIGGERS_WITHOUT_PR_CODE.includes(trigger));
  const pullRequestCode = triggers.filter((trigger) => TRIGGERS_WITH_PR_CODE.includes(trigger));

  for (const [jobName, job, jobKey] of mapEntries(child(workflow, "jobs"))) {
    if (!child(job, "permissions")) {
      source.report(
        jobKey,
        "job-permissions",
        `job ${jobName} declares no permissions: it gets the repository's default token permissions`,
      );
    }
    const jobUses = child(job, "uses");
    if (jobUses) checkUses(source, jobUses);
    const jobPermissions = child(job, "permissions") ?? permissions;
    if (!jobUses && stringValue(child(jobPermissions, "id-token")) === "write" && !child(job, "environment")) {
      source.report(
        jobKey,
        "oidc-environment",
        `job ${jobName} can get an OIDC token but names no environment: its subject would not be repo:<owner>/<repo>:environment:<name>, and no environment's protection rules would gate it`,
      );
    }
    const secret = secretOf(source, job);
    if (secret && !child(job, "environment")) {
      source.report(
        jobKey,
        "secrets-environment",
        `job ${jobName} reads ${secret} but names no environment: keep the secret in an environment restricted to main and name it here`,
      );
    }
    const credentials = credentialsOf(source, job, permissions);
    if (pullRequestCode.length > 0 && (credentials || jobUses)) {
      source.report(
        jobKey,
        "pull-request-code",
        jobUses
          ? `job ${jobName} calls a reusable workflow from a ${pullRequestCode.join("/")} workflow, which runs as the pull request has it: keep credentialed work in workflows a pull request cannot edit (workflow_run from the default branch)`
          : `job ${jobName} holds ${credentials} in a ${pullRequestCode.join("/")} workflow: GitHub runs the pull request's copy of this file, so its author can edit any gate away`,
      );
    }
    const steps = items(child(job, "steps"));
    let defaultBranchCheckedOut = false;
    for (const step of steps) {
      checkStep(source, step);
      const uses = child(step, "uses");
      const reference = stringValue(uses);
      if (isCheckout(reference) && !child(child(step, "with"), "ref")) defaultBranchCheckedOut = true;
      if (noPullRequestCode.length > 0 && reference?.startsWith("./") && !defaultBranchCheckedOut) {
        source.report(
          uses,
          "untrusted-checkout",
          `${noPullRequestCode.join("/")} workflow runs the local action ${reference} before checking out the default branch: it would run whatever code is in the workspace`,
        );
      }
      if (noPullRequestCode.length > 0 && isCheckout(reference) && child(child(step, "with"), "ref")) {
        source.report(
          child(child(step, "with"), "ref"),
          "untrusted-checkout",
          `${noPullRequestCode.join("/")} workflow checks out a chosen ref: with a write token that may be pull request code`,
        );
      }
    }
    if (credentials) checkNpmInstalls(source, jobName, credentials, steps, localActions);
  }
  return source.findings;
}

function yamlFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(directory, name));
}

/** Every workflow and every local composite action under `.github/`, with positions relative to `root`. */
export function lintRepositoryWorkflows(root: string): WorkflowFinding[] {
  const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");
  const findings: WorkflowFinding[] = [];
  const localActions = new Map<string, LocalAction>();
  const actionsDirectory = path.join(root, ".github", "actions");
  const actionDirectories = existsSync(actionsDirectory) ? readdirSync(actionsDirectory).sort() : [];
  for (const name of actionDirectories) {
    const file = ["action.yml", "action.yaml"]
      .map((candidate) => path.join(actionsDirectory, name, candidate))
      .find(existsSync);
    if (!file) continue;
    const { findings: actionFindings, source } = lintAction(relative(file), readFileSync(file, "utf8"));
    findings.push(...actionFindings);
    localActions.set(`.github/actions/${name}`, { file: relative(file), source });
  }
  for (const file of yamlFiles(path.join(root, ".github", "workflows"))) {
    findings.push(...lintWorkflow(relative(file), readFileSync(file, "utf8"), localActions));
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

export function formatWorkflowFindings(findings: readonly WorkflowFinding[]): string {
  return findings
    .map((finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}\n`)
    .join("");
}
