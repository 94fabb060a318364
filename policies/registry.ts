import { z } from "zod";
import { operationsJustInTimeConfig } from "./prodOperationsJustInTime";
import {
  ENVIRONMENTS,
  findRepositoryRoot,
  formatProblem,
  loadFleet,
  termsOfUseSchema,
  todayUtc,
  type EnvironmentName,
  type Fleet,
  type IsoDate,
  type TermsOfUse,
} from "../infra/model";

/**
 * What the policies need to know about the fleet: the terms every prod owner must have accepted, each owner's
 * acceptance, and each environment's allowed regions. Read from the owner files by default, or given through
 * policy config so a published pack works without this repository.
 */
export interface PlatformRegistry {
  readonly source: string;
  readonly requiredTermsVersion: string | undefined;
  readonly allowedLocations: Partial<Record<EnvironmentName, readonly string[]>>;
  /** Owner org → its terms-of-use record (undefined when it has none). */
  readonly owners: ReadonlyMap<string, TermsOfUse | undefined>;
}

export type RegistryResult = { readonly registry: PlatformRegistry } | { readonly error: string };

/** The policy-config form of the registry (`--policy-pack-config`). */
export const registryConfigSchema = z
  .object({
    requiredTermsVersion: z.string().min(1),
    allowedLocations: z.object({ tt02: z.array(z.string()).optional(), prod: z.array(z.string()).optional() }).strict(),
    owners: z.record(z.string(), z.object({ termsOfUse: termsOfUseSchema.optional() }).strict()),
  })
  .strict();

export type RegistryConfig = z.input<typeof registryConfigSchema>;

export function registryFromConfig(value: unknown): RegistryResult {
  const parsed = registryConfigSchema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join(".") || "registry"}: ${issue.message}`);
    return { error: `the registry in policy config is invalid (${details.join("; ")})` };
  }
  return {
    registry: {
      source: "policy config",
      requiredTermsVersion: parsed.data.requiredTermsVersion,
      allowedLocations: parsed.data.allowedLocations,
      owners: new Map(Object.entries(parsed.data.owners).map(([org, owner]) => [org, owner.termsOfUse])),
    },
  };
}

/**
 * The repository this pack lives in: `policies/` sits next to `stacks/` and the environment layers. Looked up only
 * when a policy needs the registry and has none in its config: a published pack loads without the repository.
 */
function packRepositoryRoot(): string | { readonly error: string } {
  try {
    return findRepositoryRoot(__dirname);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { error: `the pack runs outside its repository (${reason}); give the registry in policy config` };
  }
}

const fromRepository = new Map<string, RegistryResult>();

/** Read once per process: a policy runs for every resource. */
export function registryFromRepository(root?: string, today: IsoDate = todayUtc()): RegistryResult {
  if (root === undefined) {
    const found = packRepositoryRoot();
    if (typeof found !== "string") return found;
    root = found;
  }
  const key = `${root}@${today}`;
  const cached = fromRepository.get(key);
  if (cached) return cached;
  const result = readRepository(root, today);
  fromRepository.set(key, result);
  return result;
}

function readRepository(root: string, today: IsoDate): RegistryResult {
  try {
    const { fleet, problems } = loadFleet(root, today);
    const layerProblems = problems.filter((problem) => problem.file.startsWith("Pulumi."));
    if (layerProblems.length > 0) {
      return { error: `the environment layers in ${root} are invalid: ${layerProblems.map(formatProblem).join("; ")}` };
    }
    const result = registryFromConfig(registryConfigFromFleet(fleet));
    return "registry" in result ? { registry: { ...result.registry, source: `owner files in ${root}` } } : result;
  } catch (error) {
    return {
      error: `the owner files in ${root} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** A fleet's registry in policy-config form: what to pass as `registry` when the pack runs away from the repository. */
export function registryConfigFromFleet(fleet: Fleet): RegistryConfig {
  return {
    requiredTermsVersion: fleet.layers.prod?.termsOfUseVersion ?? "",
    allowedLocations: Object.fromEntries(
      ENVIRONMENTS.map((environment) => [environment, [...(fleet.layers[environment]?.locations.allowed ?? [])]]),
    ),
    owners: Object.fromEntries(
      fleet.owners.map(({ owner }) => [owner.org, owner.termsOfUse ? { termsOfUse: owner.termsOfUse } : {}]),
    ),
  };
}

/** Registries read from policy config, by the config object: a policy asks for it once per resource. */
const fromConfig = new WeakMap<object, RegistryResult>();

/** The registry a policy should use: its config's, if given, else the repository's. */
export function resolveRegistry(config: { registry?: unknown }): RegistryResult {
  const { registry } = config;
  if (registry === undefined) return registryFromRepository();
  if (registry === null || typeof registry !== "object") return registryFromConfig(registry);
  const known = fromConfig.get(registry);
  if (known) return known;
  const result = registryFromConfig(registry);
  fromConfig.set(registry, result);
  return result;
}

/** Policy config that points every registry-reading policy at `fleet`, as `--policy-pack-config` would. */
export function packConfigForFleet(fleet: Fleet, asOf: IsoDate): Record<string, Record<string, unknown>> {
  const registry = registryConfigFromFleet(fleet);
  return {
    "prod-requires-accepted-terms": { registry, asOf },
    "allowed-locations": { registry },
    "prod-operations-just-in-time": operationsJustInTimeConfig(fleet.layers.prod),
  };
}
