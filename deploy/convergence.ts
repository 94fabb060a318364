import { environmentLayerFileName } from "../infra/model/environment";
import { isOwnerFileName, STACKS_DIR } from "../infra/model/fleet";
import { ENVIRONMENTS } from "../infra/model/schema";

/**
 * Which stacks a deploy run must `pulumi up` so that the fleet converges on main, whatever failed, was cancelled or
 * was skipped before: decided from state (the commit each stack was last deployed at, its `altinn:deployed-commit`
 * stack tag), never from the event that started the run. Pure: the caller reads the tags, git and the plans.
 */

/** The stack tag `pulumi-up.yml` sets after a successful `pulumi up`: the commit of main it deployed. */
export const DEPLOYED_COMMIT_TAG = "altinn:deployed-commit";

/**
 * What a changed file means for the deployed stacks:
 * - `data`: an owner file, a stack's settings file or an environment layer; the plan difference decides.
 * - `inert`: cannot change what a stack deploys (documentation, tests, CI, workflows, the bootstrap program, the
 *   generated schema, the command-line tools around the program).
 * - `code`: everything else, new and unknown paths included (fail-safe): the program, the policies, the lockfile,
 *   `.pulumi-version`, `tsconfig.json`, `.npmrc`... A change here may alter every stack in a way the offline plan
 *   under mocks cannot see (a provider bump changes no mocked input), so every stack is deployed.
 */
export type ChangeKind = "data" | "inert" | "code";

const INERT: readonly RegExp[] = [
  /\.md$/,
  /^docs\//,
  /^test\//,
  /\.test\.ts$/,
  /^policies\/testing\//,
  /^bench\//,
  /^\.github\//,
  /^\.ci\//,
  /^bootstrap\//,
  /^schemas\//,
  /^scripts\//,
  /^\.(prettierrc|prettierignore|gitignore|gitattributes|editorconfig)(\.json)?$/,
  /^(eslint\.config\.mjs|vitest\.config\.mts|LICENSE)$/,
];

const LAYERS = new Set(ENVIRONMENTS.map(environmentLayerFileName));

export function changeKind(file: string): ChangeKind {
  if (LAYERS.has(file)) return "data";
  if (file.startsWith(`${STACKS_DIR}/`) && !file.slice(STACKS_DIR.length + 1).includes("/")) {
    const name = file.slice(STACKS_DIR.length + 1);
    if (isOwnerFileName(name) || /^Pulumi\.[a-z0-9]+-[a-z0-9]+\.yaml$/.test(name)) return "data";
  }
  return INERT.some((pattern) => pattern.test(file)) ? "inert" : "code";
}

/** What changed between one deployed commit and main. */
export interface ChangesSince {
  /** Files that differ between the commit and main. */
  readonly changedFiles: readonly string[];
  /**
   * Stacks whose offline plan at main differs from their plan at the commit (or whose settings file changed).
   * Needed only when no code changed; undefined when it was not computed.
   */
  readonly planDiffers?: readonly string[];
}

export interface ConvergenceInput {
  /** main's commit: what every stack should be deployed at. */
  readonly main: string;
  /** Every stack of main's fleet (owner files × their environments). */
  readonly stacks: readonly string[];
  /** Each stack's deployed commit; undefined or absent: never deployed, or deployed before the tag existed. */
  readonly deployed: Readonly<Record<string, string | undefined>>;
  /**
   * Per deployed commit other than main: what changed since; absent when the commit is not in main's history (a
   * force-push, a deploy by hand from a branch), which deploys its stacks.
   */
  readonly since: Readonly<Record<string, ChangesSince | undefined>>;
}

export type Verdict = "deploy" | "current" | "equivalent";

export interface Decision {
  readonly stack: string;
  /** deploy: behind main in a way that matters; current: at main; equivalent: behind main, but nothing changed it. */
  readonly verdict: Verdict;
  readonly deployedCommit?: string;
  readonly reason: string;
}

const short = (commit: string) => commit.slice(0, 7);
const listed = (files: readonly string[]) => `${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""}`;

/** The files of a change that are code: their presence deploys every stack behind main. */
export function codeChanges(changedFiles: readonly string[]): string[] {
  return changedFiles.filter((file) => changeKind(file) === "code");
}

/**
 * One decision per stack of main, in the fleet's order: deploy every stack that was never deployed, whose deployed
 * commit main does not know, whose code or dependencies changed since, or whose plan differs.
 */
export function decideDeployments({ main, stacks, deployed, since }: ConvergenceInput): Decision[] {
  return stacks.map((stack): Decision => {
    const commit = deployed[stack];
    if (!commit)
      return { stack, verdict: "deploy", reason: "no deployed commit recorded (new stack, or never tagged)" };
    if (commit === main) return { stack, verdict: "current", deployedCommit: commit, reason: "deployed at main" };
    const changes = since[commit];
    if (!changes) {
      return {
        stack,
        verdict: "deploy",
        deployedCommit: commit,
        reason: `deployed at ${short(commit)}, which is not in main's history`,
      };
    }
    const code = codeChanges(changes.changedFiles);
    if (code.length > 0) {
      return {
        stack,
        verdict: "deploy",
        deployedCommit: commit,
        reason: `code or dependencies changed since ${short(commit)} (${listed(code)})`,
      };
    }
    if (!changes.planDiffers) {
      return { stack, verdict: "deploy", deployedCommit: commit, reason: `plan since ${short(commit)} not computed` };
    }
    if (changes.planDiffers.includes(stack)) {
      return { stack, verdict: "deploy", deployedCommit: commit, reason: `its plan differs from ${short(commit)}'s` };
    }
    return {
      stack,
      verdict: "equivalent",
      deployedCommit: commit,
      reason: `deployed at ${short(commit)}; nothing since changes it`,
    };
  });
}

/** The deployed commits whose plan differences are needed: those with no code change since. */
export function commitsNeedingPlans(
  deployed: Readonly<Record<string, string | undefined>>,
  main: string,
  changedFilesSince: (commit: string) => readonly string[] | undefined,
): string[] {
  const commits = [...new Set(Object.values(deployed).filter((commit): commit is string => !!commit))];
  return commits.filter((commit) => {
    if (commit === main) return false;
    const files = changedFilesSince(commit);
    return files !== undefined && codeChanges(files).length === 0;
  });
}
