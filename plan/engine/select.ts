import { parse } from "yaml";
import { environmentLayerFileName } from "../../infra/model/environment";
import { declaredEnvironmentsOf, isOwnerFileName, orgOfOwnerFile, STACKS_DIR } from "../../infra/model/fleet";
import type { FleetSources, SourceFile } from "../../infra/model/fleetShape";
import { stackName } from "../../infra/model/stackName";
import { ENVIRONMENTS, type EnvironmentName } from "../../infra/model/schema";
import { CODE_DIRECTORIES } from "./cache";

/**
 * The environments an owner file declares: from its validated parse, or read leniently when it is not valid, so that a
 * broken file still gets its stacks planned and the plan reports its problems instead of silently skipping the owner.
 */
function declaredEnvironments(source: SourceFile): EnvironmentName[] {
  const declared = declaredEnvironmentsOf(source) ?? leniently(source.text);
  return declared.length > 0 ? declared : ["tt02"];
}

function leniently(text: string | undefined): EnvironmentName[] {
  try {
    const environments = (parse(text ?? "") as { environments?: unknown } | null)?.environments;
    return ENVIRONMENTS.filter(
      (environment) => environments !== null && typeof environments === "object" && environment in environments,
    );
  } catch {
    return [];
  }
}

function stacksOf(source: SourceFile): string[] {
  return declaredEnvironments(source).map((environment) => stackName(orgOfOwnerFile(source.file), environment));
}

/** Every owner × environment stack, in a stable order; with `orgs`, only those owners' stacks. */
export function allStacks(sources: FleetSources, orgs?: ReadonlySet<string>): string[] {
  return sources.owners.filter((source) => !orgs || orgs.has(orgOfOwnerFile(source.file))).flatMap(stacksOf);
}

/** The owner of a stack, split by hand: an owner file with a malformed name still has its stacks planned. */
export function orgOfStack(stack: string): string {
  return stack.slice(0, stack.lastIndexOf("-"));
}

/** Stacks by environment, for CI matrices (prod deploys wait for reviewers). */
export function stacksByEnvironment(stacks: readonly string[]): Record<EnvironmentName, string[]> {
  return Object.fromEntries(
    ENVIRONMENTS.map((environment) => [environment, stacks.filter((stack) => stack.endsWith(`-${environment}`))]),
  ) as Record<EnvironmentName, string[]>;
}

/** Code and dependencies: a change may alter what every stack provisions or how it is checked. Tests never do. */
const AFFECTS_EVERY_STACK = [
  ...CODE_DIRECTORIES.map((directory) => new RegExp(`^${directory}/`)),
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
  const shared = changedFiles.filter(
    (file) => !isTest(file) && AFFECTS_EVERY_STACK.some((pattern) => pattern.test(file)),
  );
  const stackConfigChanged = changedFiles.flatMap((file) => stackConfigOf(file) ?? []);
  const layers = changedFiles.flatMap((file) => layerEnvironment(file) ?? []);
  const owners = new Set(
    changedFiles
      .filter((file) => file.startsWith(`${STACKS_DIR}/`) && isOwnerFileName(file.slice(STACKS_DIR.length + 1)))
      .map(orgOfOwnerFile),
  );
  // Only the owner files that can matter are read: a one-owner change does not parse the fleet.
  const everyOwner = shared.length > 0 || layers.length > 0;
  const candidates = everyOwner ? undefined : new Set([...owners, ...stackConfigChanged.map(orgOfStack)]);
  const everyStack = [...new Set([...allStacks(sources, candidates), ...(base ? allStacks(base, candidates) : [])])];
  if (shared.length > 0)
    return { stacks: everyStack, reason: `code or dependencies changed (${listed(shared)})`, stackConfigChanged };
  const stacks = everyStack.filter((stack) => {
    const environment = stack.slice(stack.lastIndexOf("-") + 1);
    return (
      owners.has(orgOfStack(stack)) ||
      layers.some((layer) => layer === environment) ||
      stackConfigChanged.includes(stack)
    );
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
