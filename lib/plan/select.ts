import { parse } from "yaml";
import {
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

/** Files that change what every stack provisions or how it is checked: code, the environment layers, dependencies. */
const AFFECTS_EVERY_STACK = [
  /^infra\//,
  /^policies\//,
  /^lib\//,
  /^Pulumi\.[^/]*\.yaml$/,
  /^Pulumi\.yaml$/,
  /^package(-lock)?\.json$/,
  /^tsconfig\.json$/,
];

export interface Selection {
  readonly stacks: string[];
  readonly reason: string;
}

/** The stacks a change touches: those of changed owner files, or all of them when shared code or a layer changed. */
export function stacksAffectedBy(changedFiles: readonly string[], sources: FleetSources): Selection {
  const shared = changedFiles.filter((file) => AFFECTS_EVERY_STACK.some((pattern) => pattern.test(file)));
  if (shared.length > 0)
    return {
      stacks: allStacks(sources),
      reason: `shared code or configuration changed (${shared.slice(0, 5).join(", ")}${shared.length > 5 ? ", …" : ""})`,
    };
  const owners = new Set(
    changedFiles
      .filter((file) => file.startsWith(`${STACKS_DIR}/`) && isOwnerFileName(file.slice(STACKS_DIR.length + 1)))
      .map(orgOfOwnerFile),
  );
  const stacks = sources.owners.filter((source) => owners.has(orgOfOwnerFile(source.file))).flatMap(stacksOf);
  return {
    stacks,
    reason:
      owners.size > 0
        ? `owner files changed: ${[...owners].sort().join(", ")}`
        : "no owner file, code or layer changed",
  };
}
