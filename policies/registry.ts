import { z } from "zod";
import type { EnvironmentName } from "../infra/model/schema";
import { termsOfUseSchema, type TermsOfUse } from "../infra/model/owner";

/**
 * What the policies need to know about the fleet: the terms every prod owner must have accepted, each owner's
 * acceptance, and each environment's allowed regions. Always given through policy config (`--policy-pack-config`,
 * written from the fleet by `npm run policy-config`; `npm run plan` passes the same): a policy never reads the
 * repository, so the pack is a pure function of the resource and its config.
 */
export interface PlatformRegistry {
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

/** Where the missing config comes from, for the violation that names it. */
export const MISSING_CONFIG_HINT =
  "write it from the fleet with `npm run policy-config` and pass it with --policy-pack-config";

export function registryFromConfig(value: unknown): RegistryResult {
  if (value === undefined) return { error: `the policy config has no registry (${MISSING_CONFIG_HINT})` };
  const parsed = registryConfigSchema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join(".") || "registry"}: ${issue.message}`);
    return { error: `the registry in policy config is invalid (${details.join("; ")})` };
  }
  return {
    registry: {
      requiredTermsVersion: parsed.data.requiredTermsVersion,
      allowedLocations: parsed.data.allowedLocations,
      owners: new Map(Object.entries(parsed.data.owners).map(([org, owner]) => [org, owner.termsOfUse])),
    },
  };
}

/** Registries read from policy config, by the config object: a policy asks for it once per resource. */
const fromConfig = new WeakMap<object, RegistryResult>();

/** The registry in a policy's config, or the error naming what is missing or invalid (the policy fails closed). */
export function resolveRegistry(config: { registry?: unknown }): RegistryResult {
  const { registry } = config;
  if (registry === null || typeof registry !== "object") return registryFromConfig(registry);
  const known = fromConfig.get(registry);
  if (known) return known;
  const result = registryFromConfig(registry);
  fromConfig.set(registry, result);
  return result;
}
