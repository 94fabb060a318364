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
  const BASE = "b".repeat(40);
  const pull = (
    sha: string,
    files: (string | { filename: string; previous_filename: string })[] = ["stacks/digdir.yaml"],
  ) => ({
    [`GET repos/${REPO}/pulls/7`]: { head: { sha }, base: { sha: BASE } },
    [`GET repos/${REPO}/pulls/7/files`]: files.map((file) => (typeof file === "string" ? { filename: file } : file)),
  });
  const MAIN_CODE =
    "> Produced by **main's code** (the pull request's base, bbbbbbb): this pull request changes only owner files and layers.\n\n";

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
    expect(post?.body).toBe(
      `<!-- altinn-apps-pr-comment -->\n${MAIN_CODE}## Plan\n\n<sub>Checked aaaaaaa in https://github.com/run/1</sub>`,
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

  const commentFor = (files: Parameters<typeof pull>[1]) =>
    runStep(
      step,
      context([]),
      {
        ...pull(HEAD, files),
        [`GET repos/${REPO}/issues/7/comments`]: [],
        [`POST repos/${REPO}/issues/7/comments`]: {},
      },
      { files: artifact("7") },
    );

  it("says the comment is main's code when the PR changes only owner files and layers", () => {
    const run = commentFor(["stacks/digdir.yaml", "Pulumi.tt02.yaml", "Pulumi.prod.yaml"]);
    expect(run.status).toBe(0);
    expect(run.calls.at(-1)?.body).toContain(MAIN_CODE);
  });

  it("warns, from an allowlist, when anything else changed: code, workflows, .npmrc, Pulumi's stack files", () => {
    for (const [files, count] of [
      [["stacks/digdir.yaml", ".github/workflows/pr.yml", "access/accessDiff.ts"], 2],
      [["stacks/digdir.yaml", ".npmrc"], 1],
      [["stacks/Pulumi.digdir-prod.yaml"], 1],
      [["stacks/sub/digdir.yaml"], 1],
      [[{ filename: "stacks/digdir.yaml", previous_filename: "x.cjs" }], 1],
    ] as const) {
      const run = commentFor([...files]);
      expect(run.status).toBe(0);
      expect(run.calls.at(-1)?.body).toMatch(
        new RegExp(
          `^<!-- altinn-apps-pr-comment -->\\n> \\[!WARNING\\]\\n> Produced by \\*\\*this pull request's own code\\*\\*: it changes ${count} file\\(s\\) besides owner files and layers`,
        ),
      );
      expect(run.calls.at(-1)?.body).not.toContain("Produced by **main's code**");
    }
  });

  it("writes only plain characters of a file name into the warning", () => {
    const run = commentFor(["stacks/digdir.yaml", "x`<!--y.md"]);
    const body = run.calls.at(-1)?.body ?? "";
    expect(body).toContain("(`x???--y.md`)");
    expect(body).not.toContain("<!--y");
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

describe("preview.yml: a maintainer's approval of the current head, checked from main", () => {
  const step = stepOf("preview.yml", "request", "review");
  const context = { github: { token: "t", repository: REPO, event: { workflow_run: { head_sha: HEAD } } } };
  const request = (number = "7", review = "99") => ({
    "preview-request/number": number,
    "preview-request/review": review,
  });
  const fixtures = (review: Record<string, unknown>, head = HEAD) => ({
    [`GET repos/${REPO}/pulls/7/reviews/99`]: {
      state: "APPROVED",
      commit_id: HEAD,
      user: { login: "kari" },
      ...review,
    },
    [`GET repos/${REPO}/pulls/7`]: { head: { sha: head } },
    [`GET repos/${REPO}/collaborators/kari/permission`]: { role_name: "maintain" },
    [`GET repos/${REPO}/collaborators/dev/permission`]: { role_name: "write" },
  });

  it("goes on for a maintainer's approval of the head", () => {
    const run = runStep(step, context, fixtures({}), { files: request() });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ number: "7", head: HEAD });
  });

  it("stops for a writer's approval, a comment, an approval of an older commit, or a forged request", () => {
    const writer = runStep(step, context, fixtures({ user: { login: "dev" } }), { files: request() });
    expect(writer.status).toBe(1);
    expect(writer.stdout).toContain("approved by 'dev' (role: write), not a maintainer: no preview");
    expect(runStep(step, context, fixtures({ state: "COMMENTED" }), { files: request() }).stdout).toContain(
      "review 99 is COMMENTED, not an approval",
    );
    const older = runStep(step, context, fixtures({ commit_id: "c".repeat(40) }), { files: request() });
    expect(older.stdout).toContain("approve the current head");
    const moved = runStep(step, context, fixtures({}, "d".repeat(40)), { files: request() });
    expect(moved.status).toBe(1);
    for (const [number, review] of [
      ["7; curl x", "99"],
      ["7", "../1"],
    ]) {
      const forged = runStep(step, context, fixtures({}), { files: request(number, review) });
      expect(forged.status).toBe(1);
      expect(forged.calls).toEqual([]);
    }
  });
});

describe("pr-data: a pull request's data files on main's checkout, never its code", () => {
  const step = actionStep("pr-data", "apply");
  const context = { inputs: { "pull-request": "7", "head-sha": HEAD, "github-token": "t" } };
  const content = (text: string) => ({ type: "file", content: Buffer.from(text).toString("base64") });
  const apply = (files: Record<string, unknown>[], entries: Record<string, unknown> = {}, head = HEAD) =>
    runStep(
      step,
      context,
      {
        [`GET repos/${REPO}/pulls/7`]: { head: { sha: head } },
        [`GET repos/${REPO}/pulls/7/files`]: files,
        ...Object.fromEntries(
          Object.entries(entries).map(([file, entry]) => [`GET repos/${REPO}/contents/${file}?ref=${HEAD}`, entry]),
        ),
      },
      {
        env: { GITHUB_REPOSITORY: REPO },
        files: { "stacks/old.yaml": "old\n", "stacks/gone.yaml": "gone\n", "Pulumi.tt02.yaml": "main's layer\n" },
      },
    );

  it("applies changed, added, removed and renamed owner files and layers from the approved head", () => {
    const run = apply(
      [
        { status: "modified", filename: "Pulumi.tt02.yaml" },
        { status: "added", filename: "stacks/nav.yaml" },
        { status: "removed", filename: "stacks/gone.yaml" },
        { status: "renamed", filename: "stacks/new.yaml", previous_filename: "stacks/old.yaml" },
      ],
      {
        "Pulumi.tt02.yaml": content("the PR's layer\n"),
        "stacks/nav.yaml": content("org: nav\n"),
        "stacks/new.yaml": content("old\n"),
      },
    );
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ "data-only": "true", outside: "" });
    expect(readFileSync(path.join(run.directory, "Pulumi.tt02.yaml"), "utf8")).toBe("the PR's layer\n");
    expect(readFileSync(path.join(run.directory, "stacks/nav.yaml"), "utf8")).toBe("org: nav\n");
    expect(existsSync(path.join(run.directory, "stacks/gone.yaml"))).toBe(false);
    expect(existsSync(path.join(run.directory, "stacks/old.yaml"))).toBe(false);
  });

  it("applies nothing when anything else changed, and names it", () => {
    const run = apply(
      [
        { status: "modified", filename: "stacks/nav.yaml" },
        { status: "added", filename: ".npmrc" },
        { status: "modified", filename: "stacks/Pulumi.nav-prod.yaml" },
      ],
      { "stacks/nav.yaml": content("org: nav\n") },
    );
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ "data-only": "false", outside: ".npmrc stacks/Pulumi.nav-prod.yaml" });
    expect(existsSync(path.join(run.directory, "stacks/nav.yaml"))).toBe(false);
    expect(run.calls.some((call) => call.endpoint.includes("/contents/"))).toBe(false);
  });

  it("refuses a symlink, and a head that moved since the approval", () => {
    const link = apply([{ status: "added", filename: "stacks/nav.yaml" }], { "stacks/nav.yaml": { type: "symlink" } });
    expect(link.status).toBe(1);
    expect(link.stdout).toContain("stacks/nav.yaml is a symlink");
    const moved = apply([], {}, "d".repeat(40));
    expect(moved.status).toBe(1);
    expect(moved.stdout).toContain("approve the current head");
  });
});

/** A stand-in for npm that logs its arguments and prints what the test gives for the matching `--format`. */
const npmStub = (answers: Record<string, string>) => `#!/usr/bin/env bash
echo "$*" >> "$NPM_LOG"
${Object.entries(answers)
  .map(([when, answer]) => `if [[ " $* " == *"${when}"* ]]; then cat <<'ANSWER'\n${answer}\nANSWER\nexit 0; fi`)
  .join("\n")}
exit 3
`;
const readLog = (run: Run, file = "npm.log") => {
  const log = path.join(run.directory, file);
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
};

describe("deploy.yml: the selection converges from the stacks' deployed commits", () => {
  const step = stepOf("deploy.yml", "select", "select");
  const select = (eventName: string, stacks = "behind") => {
    const directory = mkdtempSync(path.join(tmpdir(), "runner-temp-"));
    const run = runStep(
      step,
      {
        github: { event_name: eventName },
        inputs: { stacks },
        needs: {
          "tt02-commits": { outputs: { deployed: JSON.stringify({ "ttd-tt02": HEAD, "brg-tt02": "" }) } },
          "prod-commits": { outputs: { deployed: JSON.stringify({ "ttd-prod": HEAD }) } },
        },
      },
      {},
      {
        stubs: {
          npm: npmStub({
            "--format outputs": 'tt02-canary=["ttd-tt02"]\ndeploy=["ttd-tt02"]',
            "--format markdown": "## Convergence",
          }),
        },
        env: {
          NPM_LOG: "npm.log",
          RUNNER_TEMP: directory,
          GITHUB_STEP_SUMMARY: path.join(directory, "summary.md"),
          CANARY_OWNER: "ttd",
          BATCH_SIZE: "200",
        },
      },
    );
    const deployed = existsSync(path.join(directory, "deployed.json"))
      ? (JSON.parse(readFileSync(path.join(directory, "deployed.json"), "utf8")) as unknown)
      : undefined;
    return { ...run, deployed, npm: readLog(run) };
  };

  it("on a push or the schedule: both environments' deployed commits, no list of names", () => {
    for (const event of ["push", "schedule"]) {
      const run = select(event);
      expect(run.status).toBe(0);
      expect(run.deployed).toEqual({ "ttd-tt02": HEAD, "brg-tt02": "", "ttd-prod": HEAD });
      expect(run.outputs).toEqual({ "tt02-canary": '["ttd-tt02"]', deploy: '["ttd-tt02"]' });
      expect(run.npm[0]).toMatch(
        /^run --silent converge -- --deployed \S+deployed\.json --canary ttd --batch-size 200 --batch-slots 3 --format outputs$/,
      );
    }
    expect(select("workflow_dispatch", "behind").npm[0]).not.toContain("--stacks");
  });

  it("by hand: the named stacks or all, passed as separate words; an empty list is refused", () => {
    expect(select("workflow_dispatch", " digdir-prod  ttd-tt02 ").npm[0]).toContain(
      "--stacks digdir-prod ttd-tt02 --format outputs",
    );
    expect(select("workflow_dispatch", "all").npm[0]).toContain("--stacks all --format");
    const injected = select("workflow_dispatch", "digdir-prod;rm -rf /");
    expect(injected.npm[0]).toContain("--stacks digdir-prod;rm -rf / --format");
    const empty = select("workflow_dispatch", "   ");
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain("name stacks, all, or behind");
  });
});

describe("pulumi-up.yml: the failure limit and an older run never deploying over a newer one", () => {
  const jobs = (conclusions: (string | null)[]) => ({
    [`GET repos/${REPO}/actions/runs/5/attempts/1/jobs`]: {
      jobs: conclusions.map((conclusion, index) => ({ name: `up (s${index}-tt02)`, conclusion })),
    },
  });
  const limit = (conclusions: (string | null)[], max: number) =>
    runStep(
      stepOf("pulumi-up.yml", "up", "limit"),
      { github: { token: "t" }, inputs: { "max-failures": max } },
      jobs(conclusions),
      {
        env: { GITHUB_REPOSITORY: REPO, GITHUB_RUN_ID: "5", GITHUB_RUN_ATTEMPT: "1" },
      },
    );

  it("starts no new stack once the run has max-failures failed jobs", () => {
    expect(limit(["success", "failure", null], 3).outputs).toEqual({ go: "true" });
    const stopped = limit(["failure", "failure", "success", "failure"], 3);
    expect(stopped.outputs).toEqual({ go: "false" });
    expect(stopped.stdout).toContain("3 job(s) of this run failed (limit 3): not starting");
  });

  const SHA = "c".repeat(40);
  const decide = (main: string, verdict: string) => {
    const directory = mkdtempSync(path.join(tmpdir(), "runner-temp-"));
    const run = runStep(
      stepOf("pulumi-up.yml", "up", "current"),
      { matrix: { stack: "digdir-prod" } },
      {},
      {
        env: { GITHUB_SHA: SHA, RUNNER_TEMP: directory, NPM_LOG: "npm.log" },
        stubs: {
          git: `#!/usr/bin/env bash\n[ "$*" = "rev-parse origin/main" ] && echo ${main}\nexit 0\n`,
          npm: npmStub({ converge: JSON.stringify({ decisions: [{ stack: "digdir-prod", verdict }] }) }),
        },
      },
    );
    const deployed = existsSync(path.join(directory, "deployed.json"))
      ? (JSON.parse(readFileSync(path.join(directory, "deployed.json"), "utf8")) as unknown)
      : undefined;
    return { ...run, deployed, npm: readLog(run) };
  };

  it("deploys when it is main, or when its commit is equivalent to main for the stack", () => {
    const atMain = decide(SHA, "deploy");
    expect(atMain.outputs["deploy"]).toBe("true");
    expect(atMain.npm).toEqual([]);
    const equivalent = decide("d".repeat(40), "equivalent");
    expect(equivalent.outputs["deploy"]).toBe("true");
    expect(equivalent.deployed).toEqual({ "digdir-prod": SHA });
    expect(equivalent.npm[0]).toMatch(/converge -- --root \S+\/main --deployed \S+deployed\.json --only digdir-prod$/);
  });

  it("skips when main has moved on and would deploy the stack itself", () => {
    const run = decide("d".repeat(40), "deploy");
    expect(run.status).toBe(0);
    expect(run.outputs["deploy"]).toBe("false");
    expect(run.stdout).toContain("the newer run deploys it; skipping");
  });
});

describe("deployed-commits.yml: each stack's deployed-commit tag", () => {
  it("reads the tag of every stack in the backend, empty when a stack has none, and nothing that is not a stack", () => {
    const pulumi = `#!/usr/bin/env bash
case "$1 $2" in
  "login "*) exit 0 ;;
  "stack ls") echo '[{"name":"digdir-tt02"},{"name":"brg-tt02"},{"name":"bad name; rm"}]' ;;
  "stack tag") [ "$5" = "--stack" ] && [ "$6" = digdir-tt02 ] && echo ${HEAD} && exit 0; echo "stack tag 'x' not found" >&2; exit 1 ;;
esac
`;
    const run = runStep(
      stepOf("deployed-commits.yml", "read", "tags"),
      {},
      {},
      {
        stubs: { pulumi },
        env: { PULUMI_BACKEND_URL: "azblob://pulumi-state-tt02?storage_account=x" },
      },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.outputs["deployed"] ?? "")).toEqual({ "digdir-tt02": HEAD, "brg-tt02": "" });
  });
});

describe("drift.yml: shards under GitHub's matrix limit, one issue updated in place", () => {
  const owners = (count: number) => Array.from({ length: count }, (_, index) => `o${index}`);
  const shards = (count: number) => {
    const list = {
      all: [],
      tt02: owners(count).map((org) => `${org}-tt02`),
      prod: owners(count).map((org) => `${org}-prod`),
    };
    return runStep(
      stepOf("drift.yml", "stacks", "shards"),
      {},
      {},
      {
        stubs: { npm: npmStub({ "plan -- --list": JSON.stringify(list) }) },
        env: { NPM_LOG: "npm.log", SHARD_SIZE: "200", SHARDS: "2" },
      },
    );
  };

  it("splits 300 owners into shards of at most 200 per environment, in order", () => {
    const run = shards(300);
    expect(run.status).toBe(0);
    const sizes = Object.fromEntries(
      Object.entries(run.outputs).map(([key, value]) => [key, (JSON.parse(value) as string[]).length]),
    );
    expect(sizes).toEqual({ "tt02-1": 200, "tt02-2": 100, "prod-1": 200, "prod-2": 100 });
    expect(JSON.parse(run.outputs["prod-2"] ?? "")[0]).toBe("o200-prod");
  });

  it("fails clearly when the fleet outgrows the shards", () => {
    const run = shards(401);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("401 tt02 stacks need more than 2 shards of 200: add drift jobs to drift.yml");
  });

  const issue = (summary: { drifted: string[]; behind: string[]; failed: string[] }, open: number | "") => {
    const gh = `#!/usr/bin/env bash
echo "$*" >> "$ISSUE_LOG"
[ "$1 $2" = "issue list" ] && echo "${open}"
exit 0
`;
    const run = runStep(
      stepOf("drift.yml", "report", "Update, open or close the drift issue"),
      { github: { token: "t", server_url: "https://github.com", repository: REPO, run_id: "9" } },
      {},
      {
        stubs: { gh, npm: npmStub({ "--format json": JSON.stringify(summary), "drift-report": "## Drift" }) },
        env: {
          NPM_LOG: "npm.log",
          ISSUE_LOG: "issue.log",
          GITHUB_SHA: HEAD,
          GITHUB_REPOSITORY: REPO,
          GITHUB_STEP_SUMMARY: path.join(mkdtempSync(path.join(tmpdir(), "summary-")), "summary.md"),
        },
      },
    );
    return { ...run, gh: readLog(run, "issue.log") };
  };

  it("updates the open issue in place, or opens one, when a stack drifts", () => {
    const drifted = { drifted: ["digdir-prod"], behind: [], failed: [] };
    expect(issue(drifted, 12).gh.slice(1)).toEqual([`issue edit 12 --repo ${REPO} --body-file body.md`]);
    expect(issue(drifted, "").gh.slice(1)).toEqual([
      `issue create --repo ${REPO} --label drift --title Infrastructure drift --body-file body.md`,
    ]);
  });

  it("closes the issue when nothing drifts, whatever is behind main; fails when a stack was not checked", () => {
    const clean = issue({ drifted: [], behind: ["brg-tt02"], failed: [] }, 12);
    expect(clean.status).toBe(0);
    expect(clean.gh.slice(1)).toEqual([
      `issue edit 12 --repo ${REPO} --body-file body.md`,
      `issue close 12 --repo ${REPO} --comment No drift in https://github.com/${REPO}/actions/runs/9.`,
    ]);
    expect(issue({ drifted: [], behind: [], failed: [] }, "").gh.slice(1)).toEqual([]);
    const unchecked = issue({ drifted: [], behind: [], failed: ["skd-prod"] }, "");
    expect(unchecked.status).toBe(1);
    expect(unchecked.stdout).toContain("1 stack(s) not checked");
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
