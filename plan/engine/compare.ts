import { readFleetSources } from "../../files/fleetReader";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetResult, FleetSources } from "../../infra/model/fleetShape";
import { parseStackName } from "../../infra/model/stackName";
import type { Problem } from "../../infra/model/problem";
import { resolveOwnerEnvironment, type OwnerEnvironment } from "../../infra/model/ownerEnvironment";
import { checkKubernetesUpgrades } from "../../infra/model/versionRules";
import { changedFilesSince } from "../../repository/git";
import { validatedFleet } from "../../repository/validatedFleet";
import { checkoutBase, disposeBase, planWithBaseCode, type BaseEvaluation } from "./base";
import { codeDigest, PlanCache, stackKey } from "./cache";
import { diffStack, foldChanges, type FoldedChange, type StackDiff } from "../semantics/diff";
import { planInWorkers } from "./pool";
import { allStacks, orgOfStack, stacksAffectedBy } from "./select";
import type { StackPlan } from "../semantics/stackPlan";
import type { PlanJob } from "./worker";

export interface PlanningOptions {
  readonly today: IsoDate;
  readonly firstPreview: boolean;
  readonly workers?: number;
  /** Where evaluated plans are kept by content; none: evaluate everything. */
  readonly cache?: PlanCache;
  readonly onProgress?: (planned: number, total: number) => void;
}

/** One version of the fleet as the planner sees it. */
interface FleetVersion {
  readonly name: string;
  readonly sources: FleetSources;
  readonly result: FleetResult;
  /** Digest of the code that evaluates it. */
  readonly code: string;
}

function fleetVersion(name: string, sources: FleetSources, code: string, today: IsoDate): FleetVersion {
  return { name, sources, result: validatedFleet(sources, today), code };
}

/** The code that is running: the repository this module was loaded from. */
let runningCode: string | undefined;
export function runningCodeDigest(codeRoot: string): string {
  runningCode ??= codeDigest(codeRoot);
  return runningCode;
}

const keyOf = (version: FleetVersion, stack: string, options: PlanningOptions) =>
  stackKey({
    stack,
    code: version.code,
    sources: version.sources,
    fleet: version.result,
    today: options.today,
    firstPreview: options.firstPreview,
  });

/** Plan stacks of fleet versions evaluated by the running code, taking what the cache holds and storing the rest. */
async function planVersions(
  requests: readonly { readonly version: FleetVersion; readonly stacks: readonly string[] }[],
  options: PlanningOptions,
): Promise<Map<string, Map<string, StackPlan>>> {
  const results = new Map(requests.map(({ version }) => [version.name, new Map<string, StackPlan>()]));
  const missing: (PlanJob & { key: string })[] = [];
  for (const { version, stacks } of requests) {
    for (const stack of stacks) {
      const key = keyOf(version, stack, options);
      const cached = options.cache?.get(key, stack);
      if (cached) results.get(version.name)?.set(stack, cached);
      else missing.push({ stack, fleet: version.name, key });
    }
  }
  const versions = new Map(requests.map(({ version }) => [version.name, version]));
  const plans = await planInWorkers(
    missing.map(({ stack, fleet }) => ({ stack, fleet })),
    {
      today: options.today,
      firstPreview: options.firstPreview,
      workers: options.workers,
      onProgress: options.onProgress,
      fleets: Object.fromEntries([...versions].map(([name, version]) => [name, version.result])),
    },
  );
  plans.forEach((plan, index) => {
    const job = missing[index];
    if (!job) return;
    options.cache?.set(job.key, plan);
    results.get(job.fleet)?.set(job.stack, plan);
  });
  return results;
}

/** Plans of the working tree's stacks (the main job of `npm run plan`), through the cache. */
export async function planWorkingTree(
  root: string,
  codeRoot: string,
  stacks: readonly string[],
  options: PlanningOptions,
): Promise<StackPlan[]> {
  const head = fleetVersion("head", readFleetSources(root), runningCodeDigest(codeRoot), options.today);
  const plans = (await planVersions([{ version: head, stacks }], options)).get("head");
  return stacks.flatMap((stack) => plans?.get(stack) ?? []);
}

export interface DiffReport {
  readonly base: { readonly ref: string; readonly commit: string; readonly evaluation: BaseEvaluation };
  /** The owner files and layers at the base (for the access diff and the checks over time). */
  readonly baseSources: FleetSources;
  /** Why these stacks were compared (the file-based preselection), and how many of them differ. */
  readonly selection: string;
  readonly preselected: readonly string[];
  /** Stacks whose plan differs, or whose stack file changed, or that would be left unmanaged. */
  readonly stacks: readonly StackDiff[];
  readonly folded: readonly FoldedChange[];
  /** Head plans of the selected stacks (for the plain plan output of --changed-since). */
  readonly headPlans: readonly StackPlan[];
  /**
   * The rules over time between base and working tree (a Kubernetes version may not go down nor skip a minor):
   * refusals like the stacks', reproduced locally by `npm run validate -- --base <ref>`.
   */
  readonly versionProblems: readonly Problem[];
}

export interface DiffOptions extends PlanningOptions {
  readonly root: string;
  /** Where the running code is (its digest decides whether the base's code is the same program). */
  readonly codeRoot: string;
  readonly base: string;
  /** Compare exactly these stacks instead of those the changed files preselect. */
  readonly stacks?: readonly string[];
  /** The working tree's owner files and layers, when the caller has read them already. */
  readonly headSources?: FleetSources;
}

function targetOf(version: FleetVersion, stack: string, today: IsoDate): OwnerEnvironment | undefined {
  try {
    const { org, environment } = parseStackName(stack);
    return resolveOwnerEnvironment(version.result, org, environment, today);
  } catch {
    return undefined;
  }
}

/**
 * Evaluate the preselected stacks at the base (its own code and data, in a temporary worktree) and in the working
 * tree, and diff them. A stack is selected when its plan differs, its stack file changed, or it would be left
 * unmanaged (its owner file or environment removed).
 */
export async function diffAgainstBase(options: DiffOptions): Promise<DiffReport> {
  const headCode = runningCodeDigest(options.codeRoot);
  const checkout = checkoutBase(options.root, options.base, options.codeRoot, headCode);
  try {
    const headSources = options.headSources ?? readFleetSources(options.root);
    const preselection = options.stacks
      ? { stacks: [...options.stacks], reason: `stacks ${options.stacks.join(", ")}`, stackConfigChanged: [] }
      : stacksAffectedBy(changedFilesSince(options.root, checkout.commit), headSources, checkout.sources);
    const head = fleetVersion("head", headSources, headCode, options.today);
    const ownCode = checkout.evaluation.code === "own";
    const base = fleetVersion("base", checkout.sources, ownCode ? checkout.code : headCode, options.today);
    const orgs = new Set(preselection.stacks.map(orgOfStack));
    const headStacks = new Set(allStacks(headSources, orgs));
    const baseStacks = new Set(allStacks(checkout.sources, orgs));
    // A stack that exists on neither side is planned here, where its error says why.
    const atHead = preselection.stacks.filter((stack) => headStacks.has(stack) || !baseStacks.has(stack));
    const atBase = preselection.stacks.filter((stack) => baseStacks.has(stack));

    // The base's own planner runs beside this process's pool; a failure is kept, not thrown, until it is looked at.
    const ownPlans = ownCode
      ? planBaseWithItsOwnCode(checkout, base, atBase, options).then(
          (plans) => ({ plans }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        )
      : undefined;
    const plans = await planVersions(
      [{ version: head, stacks: atHead }, ...(ownCode ? [] : [{ version: base, stacks: atBase }])],
      options,
    );
    const headByStack = plans.get("head") ?? new Map<string, StackPlan>();
    let evaluation = checkout.evaluation;
    let baseByStack = plans.get("base") ?? new Map<string, StackPlan>();
    const own = await ownPlans;
    if (own && "plans" in own) baseByStack = own.plans;
    else if (own) {
      evaluation = { code: "head", reason: own.error };
      const fallback = fleetVersion("base", checkout.sources, headCode, options.today);
      baseByStack = (await planVersions([{ version: fallback, stacks: atBase }], options)).get("base") ?? baseByStack;
    }

    const configChanged = new Set(preselection.stackConfigChanged ?? []);
    const diffs = preselection.stacks.map((stack) =>
      diffStack({
        stack,
        base: baseByStack.get(stack),
        head: headByStack.get(stack),
        baseTarget: targetOf(base, stack, options.today),
        headTarget: targetOf(head, stack, options.today),
      }),
    );
    const selected = diffs.filter((diff) => diff.differs || configChanged.has(diff.stack));
    return {
      base: { ref: options.base, commit: checkout.commit, evaluation },
      baseSources: checkout.sources,
      selection: `${preselection.reason}: ${selected.length} of ${preselection.stacks.length} preselected stack(s) differ`,
      preselected: preselection.stacks,
      stacks: selected,
      folded: foldChanges(selected),
      headPlans: selected.flatMap((diff) => headByStack.get(diff.stack) ?? []),
      versionProblems: checkKubernetesUpgrades(
        { sources: checkout.sources, fleet: base.result.fleet },
        { sources: headSources, fleet: head.result.fleet },
      ),
    };
  } finally {
    disposeBase(options.root, checkout);
  }
}

/** The base's own planner for what the cache does not hold; its results are cached under the base's code digest. */
async function planBaseWithItsOwnCode(
  checkout: ReturnType<typeof checkoutBase>,
  version: FleetVersion,
  stacks: readonly string[],
  options: PlanningOptions,
): Promise<Map<string, StackPlan>> {
  const results = new Map<string, StackPlan>();
  const missing = stacks.filter((stack) => {
    const cached = options.cache?.get(keyOf(version, stack, options), stack);
    if (cached) results.set(stack, cached);
    return !cached;
  });
  if (missing.length === 0) return results;
  const plans = await planWithBaseCode(checkout, missing, {
    today: options.today,
    firstPreview: options.firstPreview,
    workers: options.workers,
  });
  plans.forEach((plan) => {
    options.cache?.set(keyOf(version, plan.stack, options), plan);
    results.set(plan.stack, plan);
  });
  return results;
}
