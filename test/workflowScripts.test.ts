import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../repository/root";

/**
 * The workflows' own `run:` scripts, executed as the runner does (bash -e -o pipefail) with the step's env:, against
 * a stand-in `gh` that answers GitHub API calls from fixtures and logs every call. What GitHub itself does (events,
 * tokens, environments) is not simulated: these tests pin down the decisions the scripts make.
 */

interface Step {
  id?: string;
  name?: string;
  env?: Record<string, string>;
  run?: string;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

function stepOf(file: string, job: string, id: string): Step {
  const workflow = parse(readFileSync(path.join(REPO_ROOT, ".github/workflows", file), "utf8")) as Workflow;
  const step = workflow.jobs[job]?.steps.find((candidate) => candidate.id === id || candidate.name === id);
  if (!step?.run) throw new Error(`${file}: no run step ${id} in job ${job}`);
  return step;
}

function actionStep(action: string, id: string): Step {
  const file = parse(readFileSync(path.join(REPO_ROOT, ".github/actions", action, "action.yml"), "utf8")) as {
    runs: { steps: Step[] };
  };
  const step = file.runs.steps.find((candidate) => candidate.id === id || candidate.name === id);
  if (!step?.run) throw new Error(`${action}: no run step ${id}`);
  return step;
}

/** `${{ a.b.c }}`, `${{ toJSON(a.b.*.c) }}` against a context object: the forms the workflows use in env:. */
function evaluate(expression: string, context: Record<string, unknown>): string {
  const lookup = (dotted: string): unknown =>
    dotted.split(".").reduce<unknown>((value, key) => {
      if (key === "*") return value;
      if (Array.isArray(value)) return value.map((item) => (item as Record<string, unknown>)[key]);
      return value === undefined || value === null ? undefined : (value as Record<string, unknown>)[key];
    }, context);
  return expression.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, inner: string) => {
    const json = /^toJSON\((.*)\)$/.exec(inner);
    if (json?.[1]) return JSON.stringify(lookup(json[1]));
    const value = lookup(inner);
    return value === undefined ? "" : String(value);
  });
}

const GH_STUB = `#!/usr/bin/env bash
# Stand-in for gh api: answers "<METHOD> <endpoint>" from $GH_FIXTURES, applies --jq like gh, logs the call.
method=GET; endpoint=""; filter=""; body=""
while [ $# -gt 0 ]; do
  case "$1" in
    api) ;;
    --method|-X) method=$2; shift ;;
    --jq|-q) filter=$2; shift ;;
    -F|--field) [[ $2 == body=@* ]] && body=$(cat "\${2#body=@}"); shift ;;
    --paginate) ;;
    *) endpoint=$1 ;;
  esac
  shift
done
jq -cn --arg method "$method" --arg endpoint "$endpoint" --arg body "$body" '{method: $method, endpoint: $endpoint, body: $body}' >> "$GH_LOG"
response=$(jq -c --arg key "$method $endpoint" '.[$key] // empty' "$GH_FIXTURES")
if [ -z "$response" ]; then echo "gh: Not Found (HTTP 404)" >&2; exit 1; fi
if [ -n "$filter" ]; then jq -r "$filter" <<< "$response"; else echo "$response"; fi
`;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly calls: { method: string; endpoint: string; body: string }[];
  /** The working directory the script ran in. */
  readonly directory: string;
}

interface RunOptions {
  /** Files in the working directory. */
  readonly files?: Record<string, string>;
  /** Other commands to stand in for (npm, git), as bash scripts. */
  readonly stubs?: Record<string, string>;
  /** Variables the runner sets itself (GITHUB_SHA). */
  readonly env?: Record<string, string>;
}

function runStep(
  step: Step,
  context: Record<string, unknown>,
  fixtures: Record<string, unknown>,
  { files = {}, stubs = {}, env: runnerEnv = {} }: RunOptions = {},
): Run {
  const directory = mkdtempSync(path.join(tmpdir(), "workflow-step-"));
  const bin = path.join(directory, "bin");
  mkdirSync(bin);
  for (const [command, script] of Object.entries({ gh: GH_STUB, ...stubs })) {
    writeFileSync(path.join(bin, command), script);
    chmodSync(path.join(bin, command), 0o755);
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), content);
  }
  const output = path.join(directory, "output");
  const log = path.join(directory, "gh.log");
  writeFileSync(output, "");
  writeFileSync(log, "");
  writeFileSync(path.join(directory, "fixtures.json"), JSON.stringify(fixtures));
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(value, context)]));
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
    cwd: directory,
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env["PATH"] ?? ""}`,
      GITHUB_OUTPUT: output,
      GH_LOG: log,
      GH_FIXTURES: path.join(directory, "fixtures.json"),
      ...runnerEnv,
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const calls = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Run["calls"][number]);
  return { status: result.status ?? -1, stdout: result.stdout + result.stderr, outputs, calls, directory };
}

const REPO = "altinn/altinn-apps-infra";
const HEAD = "a".repeat(40);

describe("pr.yml: the removal guard's overrides", () => {
  const step = stepOf("pr.yml", "overrides", "labels");
  const context = (action: string, labels: string[]) => ({
    github: {
      token: "t",
      repository: REPO,
      event: { action, pull_request: { number: 7, head: { sha: HEAD }, labels: labels.map((name) => ({ name })) } },
    },
  });
  const fixtures = (labeled: { label: string; actor: string; at: string }[], roles: Record<string, string>) => ({
    [`GET repos/${REPO}/actions/runs?head_sha=${HEAD}&event=pull_request&per_page=100`]: {
      workflow_runs: [{ created_at: "2026-11-20T10:05:00Z" }, { created_at: "2026-11-20T10:00:00Z" }],
    },
    [`GET repos/${REPO}/issues/7/events`]: [
      { event: "committed" },
      ...labeled.map(({ label, actor, at }) => ({
        event: "labeled",
        label: { name: label },
        actor: { login: actor },
        created_at: at,
      })),
    ],
    ...Object.fromEntries(
      Object.entries(roles).map(([user, role]) => [
        `GET repos/${REPO}/collaborators/${user}/permission`,
        { role_name: role },
      ]),
    ),
  });

  it("passes a flag for each label a maintainer applied after the push", () => {
    const run = runStep(
      step,
      context("labeled", ["access-removal-approved", "decommission-approved"]),
      fixtures(
        [
          { label: "access-removal-approved", actor: "kari", at: "2026-11-20T11:00:00Z" },
          { label: "decommission-approved", actor: "ola", at: "2026-11-20T11:01:00Z" },
        ],
        { kari: "maintain", ola: "admin" },
      ),
    );
    expect(run.status).toBe(0);
    expect(run.outputs["flags"]).toBe("--allow-removals --allow-decommission");
  });

  it("ignores a label applied by someone who may only write, or by a bot", () => {
    const run = runStep(
      step,
      context("labeled", ["access-removal-approved", "decommission-approved"]),
      fixtures(
        [
          { label: "access-removal-approved", actor: "author", at: "2026-11-20T11:00:00Z" },
          { label: "decommission-approved", actor: "github-actions[bot]", at: "2026-11-20T11:00:00Z" },
        ],
        { author: "write" },
      ),
    );
    expect(run.status).toBe(0);
    expect(run.outputs["flags"]).toBe("");
    expect(run.stdout).toContain("applied by 'author' (role: write), not a maintainer: ignored");
    expect(run.stdout).toContain("applied by 'github-actions[bot]' (role: none), not a maintainer");
  });

  it("takes the latest labeling: a maintainer's older one does not cover a re-labeling by the author", () => {
    const run = runStep(
      step,
      context("labeled", ["access-removal-approved"]),
      fixtures(
        [
          { label: "access-removal-approved", actor: "kari", at: "2026-11-20T11:00:00Z" },
          { label: "access-removal-approved", actor: "author", at: "2026-11-20T12:00:00Z" },
        ],
        { kari: "maintain", author: "write" },
      ),
    );
    expect(run.outputs["flags"]).toBe("");
  });

  it("ignores a label applied before the head commit was pushed", () => {
    const run = runStep(
      step,
      context("reopened", ["access-removal-approved"]),
      fixtures([{ label: "access-removal-approved", actor: "kari", at: "2026-11-20T09:59:59Z" }], { kari: "admin" }),
    );
    expect(run.outputs["flags"]).toBe("");
    expect(run.stdout).toContain("applied before the latest push: ignored");
  });

  it("passes nothing on a push, and nothing for a label no longer on the PR", () => {
    const approved = fixtures([{ label: "access-removal-approved", actor: "kari", at: "2026-11-20T11:00:00Z" }], {
      kari: "admin",
    });
    const push = runStep(step, context("synchronize", ["access-removal-approved"]), approved);
    expect(push.outputs["flags"]).toBe("");
    expect(push.calls).toEqual([]);
    expect(runStep(step, context("unlabeled", []), approved).outputs["flags"]).toBe("");
  });
});

describe("pr-labels.yml: a push drops the overrides", () => {
  const step = stepOf("pr-labels.yml", "drop-approvals", "Remove the override labels");

  it("removes the override labels that are on the PR, and only those", () => {
    const run = runStep(
      step,
      {
        github: {
          token: "t",
          repository: REPO,
          event: { pull_request: { number: 7, labels: [{ name: "access-removal-approved" }, { name: "other" }] } },
        },
      },
      { [`DELETE repos/${REPO}/issues/7/labels/access-removal-approved`]: {} },
    );
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => `${call.method} ${call.endpoint}`)).toEqual([
      `DELETE repos/${REPO}/issues/7/labels/access-removal-approved`,
    ]);
  });
});

describe("pr-comment.yml: one comment, only on the PR the run checked", () => {
  const step = stepOf("pr-comment.yml", "comment", "Post or update the one comment");
  const context = (pullRequests: number[]) => ({
    github: {
      token: "t",
      repository: REPO,
      event: {
        workflow_run: {
          head_sha: HEAD,
          html_url: "https://github.com/run/1",
          pull_requests: pullRequests.map((number) => ({ number })),
        },
      },
    },
  });
  const artifact = (number: string, comment = "## Plan\n") => ({
    "pr-comment/number": number,
    "pr-comment/comment.md": comment,
  });
  const pull = (sha: string, files: string[] = ["stacks/digdir.yaml"]) => ({
    [`GET repos/${REPO}/pulls/7`]: { head: { sha } },
    [`GET repos/${REPO}/pulls/7/files`]: files.map((filename) => ({ filename })),
  });

  it("creates the comment, then updates it in place", () => {
    const first = runStep(
      step,
      context([]),
      { ...pull(HEAD), [`GET repos/${REPO}/issues/7/comments`]: [], [`POST repos/${REPO}/issues/7/comments`]: {} },
      { files: artifact("7\n") },
    );
    expect(first.status).toBe(0);
    const post = first.calls.at(-1);
    expect(post?.method).toBe("POST");
    expect(post?.body).toMatch(
      /^<!-- altinn-apps-pr-comment -->\n## Plan\n\n<sub>Checked aaaaaaa in https:\/\/github.com\/run\/1<\/sub>$/,
    );

    const comments = [
      { id: 1, user: { login: "someone" }, body: "<!-- altinn-apps-pr-comment --> forged" },
      { id: 2, user: { login: "github-actions[bot]" }, body: "<!-- altinn-apps-pr-comment -->\nold" },
    ];
    const second = runStep(
      step,
      context([7]),
      {
        ...pull(HEAD),
        [`GET repos/${REPO}/issues/7/comments`]: comments,
        [`PATCH repos/${REPO}/issues/comments/2`]: {},
      },
      { files: artifact("7") },
    );
    expect(second.status).toBe(0);
    expect(second.calls.at(-1)?.endpoint).toBe(`repos/${REPO}/issues/comments/2`);
  });

  it("refuses an artifact whose number is not a number, or not one of the run's pull requests", () => {
    for (const number of ["7; rm -rf /", "../7", ""]) {
      const run = runStep(step, context([]), pull(HEAD), { files: artifact(number) });
      expect(run.status, number).toBe(1);
      expect(run.stdout).toContain("the artifact's PR number is not a number");
      expect(run.calls).toEqual([]);
    }
    const other = runStep(step, context([8]), pull(HEAD), { files: artifact("7") });
    expect(other.status).toBe(1);
    expect(other.stdout).toContain("PR #7 is not among the run's pull requests [8]");
  });

  it("warns when the pull request changes the code that produced the comment", () => {
    const run = runStep(
      step,
      context([]),
      {
        ...pull(HEAD, ["stacks/digdir.yaml", ".github/workflows/pr.yml", "access/accessDiff.ts"]),
        [`GET repos/${REPO}/issues/7/comments`]: [],
        [`POST repos/${REPO}/issues/7/comments`]: {},
      },
      { files: artifact("7") },
    );
    expect(run.status).toBe(0);
    expect(run.calls.at(-1)?.body).toMatch(
      /^<!-- altinn-apps-pr-comment -->\n> \[!WARNING\]\n> This pull request changes 2 file\(s\) of the code that produced this comment/,
    );
  });

  it("posts nothing when the PR's head is not the commit the run checked", () => {
    const run = runStep(step, context([]), pull("b".repeat(40)), { files: artifact("7") });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.method)).toEqual(["GET"]);
  });

  it("cuts a comment GitHub would refuse as too long", () => {
    const run = runStep(
      step,
      context([]),
      { ...pull(HEAD), [`GET repos/${REPO}/issues/7/comments`]: [], [`POST repos/${REPO}/issues/7/comments`]: {} },
      { files: artifact("7", "x".repeat(70_000)) },
    );
    expect(run.status).toBe(0);
    const body = run.calls.at(-1)?.body ?? "";
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain("cut at 60 000 characters");
  });
});

describe("preview.yml: the approval must be a maintainer's", () => {
  const step = stepOf("preview.yml", "gate", "The approval is a maintainer's");
  const context = (reviewer: string) => ({
    github: { token: "t", repository: REPO, event: { review: { user: { login: reviewer } } } },
  });
  const roles = {
    [`GET repos/${REPO}/collaborators/kari/permission`]: { role_name: "maintain" },
    [`GET repos/${REPO}/collaborators/dev/permission`]: { role_name: "write" },
  };

  it("goes on for a maintainer and stops for anyone else", () => {
    expect(runStep(step, context("kari"), roles).status).toBe(0);
    const writer = runStep(step, context("dev"), roles);
    expect(writer.status).toBe(1);
    expect(writer.stdout).toContain("approved by 'dev' (role: write), not a maintainer: no preview");
    expect(runStep(step, context("stranger"), roles).status).toBe(1);
  });
});

/** `npm run --silent plan -- --list [--changed-since <ref>]` as the plan CLI answers it. */
const planStub = (all: string[], changed: string[]) => `#!/usr/bin/env bash
if [[ " $* " == *" --changed-since "* ]]; then echo '${JSON.stringify({ all: changed })}'; else echo '${JSON.stringify({ all })}'; fi
`;
const FLEET = ["brg-tt02", "digdir-prod", "digdir-tt02", "ttd-prod", "ttd-tt02"];

describe("deploy.yml: which stacks, in which wave", () => {
  const step = stepOf("deploy.yml", "changes", "list");
  const waves = (eventName: string, { stacks = "", before = "b".repeat(40) } = {}) =>
    runStep(
      step,
      { github: { event_name: eventName, event: { before } }, inputs: { stacks } },
      {},
      { stubs: { npm: planStub(FLEET, ["digdir-prod", "digdir-tt02"]) } },
    );

  it("by hand: the named stacks, the canary first", () => {
    const run = waves("workflow_dispatch", { stacks: " digdir-prod  ttd-tt02 " });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ canary: '["ttd-tt02"]', tt02: "[]", prod: '["digdir-prod"]' });
    expect(waves("workflow_dispatch", { stacks: "all" }).outputs).toEqual({
      canary: '["ttd-tt02"]',
      tt02: '["brg-tt02","digdir-tt02"]',
      prod: '["digdir-prod","ttd-prod"]',
    });
  });

  it("by hand: refuses names that are not stacks, and an empty list", () => {
    for (const stacks of ["digdir-prod nope-prod", "digdir-prod;rm -rf /", "   "]) {
      const run = waves("workflow_dispatch", { stacks });
      expect(run.status, stacks).toBe(1);
      expect(run.stdout).toContain("not among the stacks of stacks/");
      expect(run.outputs).toEqual({});
    }
  });

  it("on a push: the stacks it changed; a new branch's first push: all", () => {
    expect(waves("push").outputs).toEqual({ canary: "[]", tt02: '["digdir-tt02"]', prod: '["digdir-prod"]' });
    expect(waves("push", { before: "0".repeat(40) }).outputs["tt02"]).toBe('["brg-tt02","digdir-tt02"]');
  });
});

describe("pulumi-up.yml: an older run never deploys over a newer one", () => {
  const step = stepOf("pulumi-up.yml", "up", "current");
  const SHA = "c".repeat(40);
  const decide = (main: string, changedSinceMain: string[]) =>
    runStep(
      step,
      { matrix: { stack: "digdir-prod" } },
      {},
      {
        env: { GITHUB_SHA: SHA },
        stubs: {
          git: `#!/usr/bin/env bash\n[ "$*" = "rev-parse origin/main" ] && echo ${main}\n`,
          npm: planStub(FLEET, changedSinceMain),
        },
      },
    );

  it("deploys when it is main, or when nothing for its stack changed since", () => {
    expect(decide(SHA, ["digdir-prod"]).outputs["deploy"]).toBe("true");
    expect(decide("d".repeat(40), ["brg-tt02"]).outputs["deploy"]).toBe("true");
  });

  it("skips when main has moved on and changes its stack", () => {
    const run = decide("d".repeat(40), ["digdir-prod"]);
    expect(run.status).toBe(0);
    expect(run.outputs["deploy"]).toBe("false");
    expect(run.stdout).toContain("the newer run deploys it; skipping");
  });
});

describe("composite actions", () => {
  it("azure-login exports the provider settings, only for GUIDs", () => {
    const step = actionStep("azure-login", "Export provider credentials");
    const guid = "0a1b2c3d-0000-4000-8000-000000000001";
    const directory = mkdtempSync(path.join(tmpdir(), "github-env-"));
    const githubEnv = path.join(directory, "env");
    writeFileSync(githubEnv, "");
    const run = runStep(
      step,
      { inputs: { "client-id": guid, "tenant-id": guid } },
      {},
      { env: { GITHUB_ENV: githubEnv } },
    );
    expect(run.status).toBe(0);
    expect(readFileSync(githubEnv, "utf8")).toBe(`ARM_USE_OIDC=true\nARM_CLIENT_ID=${guid}\nARM_TENANT_ID=${guid}\n`);
    const injected = runStep(
      step,
      { inputs: { "client-id": `${guid}\nNODE_OPTIONS=--require=x`, "tenant-id": guid } },
      {},
      { env: { GITHUB_ENV: githubEnv } },
    );
    expect(injected.status).toBe(1);
    expect(injected.stdout).toContain("client-id and tenant-id must be GUIDs");
  });

  describe("pulumi-stack", () => {
    const step = actionStep("pulumi-stack", "stack");
    /** A pulumi that knows one stack and logs what it is asked. */
    const pulumiStub = `#!/usr/bin/env bash
echo "called: pulumi $*" >> "$PULUMI_LOG"
case "$1" in
  login) exit 0 ;;
  stack) [ "$3" = digdir-prod ] ;;
  config) exit 0 ;;
esac
`;
    const select = (stack: string, files: Record<string, string> = {}) => {
      const run = runStep(
        step,
        { inputs: { stack } },
        {},
        {
          stubs: { pulumi: pulumiStub },
          files,
          env: { PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=x", PULUMI_LOG: "pulumi.log" },
        },
      );
      const log = path.join(run.directory, "pulumi.log");
      return { ...run, pulumi: existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [] };
    };

    it("restores a missing settings file of an existing stack from its state", () => {
      const run = select("digdir-prod");
      expect(run.status).toBe(0);
      expect(run.outputs).toEqual({ exists: "true" });
      expect(run.pulumi).toEqual([
        "called: pulumi login azblob://pulumi-state?storage_account=x",
        "called: pulumi stack select digdir-prod",
        "called: pulumi config refresh --stack digdir-prod",
      ]);
      const committed = select("digdir-prod", { "stacks/Pulumi.digdir-prod.yaml": "secretsprovider: x\n" });
      expect(committed.pulumi).not.toContain("called: pulumi config refresh --stack digdir-prod");
    });

    it("reports a stack that does not exist yet", () => {
      const run = select("nav-tt02");
      expect(run.outputs).toEqual({ exists: "false" });
      expect(run.pulumi.at(-1)).toBe("called: pulumi stack select nav-tt02");
    });

    it("refuses a value that is not a stack name", () => {
      const run = select("digdir-prod; curl evil");
      expect(run.status).toBe(1);
      expect(run.stdout).toContain("not a stack name");
      expect(run.pulumi).toEqual([]);
    });
  });
});

describe("the Pulumi CLI the workflows install", () => {
  it("is pinned in .pulumi-version to the SDK's version in package-lock.json", () => {
    const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const pinned = readFileSync(path.join(REPO_ROOT, ".pulumi-version"), "utf8").trim();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned).toBe(lock.packages["node_modules/@pulumi/pulumi"]?.version);
  });
});
