import { parse } from "yaml";
import {
  environmentLayerFileName,
  ENVIRONMENTS,
  isOwnerFileName,
  orgOfOwnerFile,
  stackName,
  STACKS_DIR,
  type EnvironmentName,
  type FleetSources,
  type SourceFile,
} from "../../infra/model";

/**
 * The environments an owner file declares, read leniently: a broken file still gets its stacks planned, so that the
 * plan reports its problems instead of silently skipping the owner.
 */
function declaredEnvironments(text: string | undefined): EnvironmentName[] {
  try {
    const environments = (parse(text ?? "") as { environments?: unknown } | null)?.environments;
    const declared = ENVIRONMENTS.filter(
      (environment) => environments !== null && typeof environments === "object" && environment in environments,
    );
    return declared.length > 0 ? declared : ["tt02"];
  } catch {
    return ["tt02"];
  }
}

function stacksOf(source: SourceFile): string[] {
  return declaredEnvironments(source.text).map((environment) => stackName(orgOfOwnerFile(source.file), environment));
}

/** Every owner × environment stack, in a stable order. */
export function allStacks(sources: FleetSources): string[] {
  return sources.owners.flatMap(stacksOf);
}

/** Stacks by environment, for CI matrices (prod deploys wait for reviewers). */
export function stacksByEnvironment(stacks: readonly string[]): Record<EnvironmentName, string[]> {
  return Object.fromEntries(
    ENVIRONMENTS.map((environment) => [environment, stacks.filter((stack) => stack.endsWith(`-${environment}`))]),
  ) as Record<EnvironmentName, string[]>;
}

/** Code and dependencies: a change may alter what every stack provisions or how it is checked. Tests never do. */
const AFFECTS_EVERY_STACK = [
  /^infra\//,
  /^policies\//,
  /^lib\//,
  /^Pulumi\.yaml$/,
  /^package(-lock)?\.json$/,
  /^tsconfig\.json$/,
];
const isTest = (file: string) => /\.test\.ts$/.test(file) || /^policies\/testing\//.test(file);

/** `Pulumi.<env>.yaml`: the environment layer every stack of that environment inherits. */
function layerEnvironment(file: string): EnvironmentName | undefined {
  return ENVIRONMENTS.find((environment) => file === environmentLayerFileName(environment));
}

/** `stacks/Pulumi.<org>-<env>.yaml`: Pulumi's own file for one stack (its secrets provider). */
function stackConfigOf(file: string): string | undefined {
  return /^stacks\/Pulumi\.([a-z0-9]+-[a-z0-9]+)\.yaml$/.exec(file)?.[1];
}

export interface Selection {
  readonly stacks: string[];
  readonly reason: string;
  /** Stacks whose own Pulumi stack file changed: selected whatever their plan says. */
  readonly stackConfigChanged?: readonly string[];
}

const listed = (files: readonly string[]) => `${files.slice(0, 5).join(", ")}${files.length > 5 ? ", …" : ""}`;

/**
 * The stacks a change may touch, from the changed files alone: those of changed owner files (at the base or now,
 * so a removed owner is included), of a changed layer's environment, of changed stack files, or all of them when
 * code or dependencies changed. `base` is the fleet at the base, when known.
 */
export function stacksAffectedBy(
  changedFiles: readonly string[],
  sources: FleetSources,
  base?: FleetSources,
): Selection {
  const union = (...lists: string[][]) => [...new Set(lists.flat())];
  const everyStack = union(allStacks(sources), base ? allStacks(base) : []);
  const shared = changedFiles.filter(
    (file) => !isTest(file) && AFFECTS_EVERY_STACK.some((pattern) => pattern.test(file)),
  );
  const stackConfigChanged = changedFiles.flatMap((file) => stackConfigOf(file) ?? []);
  if (shared.length > 0)
    return { stacks: everyStack, reason: `code or dependencies changed (${listed(shared)})`, stackConfigChanged };
  const layers = changedFiles.flatMap((file) => layerEnvironment(file) ?? []);
  const owners = new Set(
    changedFiles
      .filter((file) => file.startsWith(`${STACKS_DIR}/`) && isOwnerFileName(file.slice(STACKS_DIR.length + 1)))
      .map(orgOfOwnerFile),
  );
  const stacks = everyStack.filter((stack) => {
    // Split by hand: an owner file with a malformed name still has its stacks planned (and reported).
    const org = stack.slice(0, stack.lastIndexOf("-"));
    const environment = stack.slice(stack.lastIndexOf("-") + 1);
    return owners.has(org) || layers.some((layer) => layer === environment) || stackConfigChanged.includes(stack);
  });
  const reasons = [
    ...(layers.length > 0 ? [`layers changed: ${layers.join(", ")}`] : []),
    ...(owners.size > 0 ? [`owner files changed: ${[...owners].sort().join(", ")}`] : []),
    ...(stackConfigChanged.length > 0 ? [`stack files changed: ${stackConfigChanged.join(", ")}`] : []),
  ];
  return {
    stacks,
    reason: reasons.length > 0 ? reasons.join("; ") : "no owner file, stack file, layer or code changed",
    stackConfigChanged,
  };
}
