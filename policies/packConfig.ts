import { ENVIRONMENTS } from "../infra/model/schema";
import type { IsoDate } from "../infra/model/dates";
import type { Fleet } from "../infra/model/fleetShape";
import { operationsJustInTimeConfig } from "./prodOperationsJustInTime";
import type { RegistryConfig } from "./registry";

/**
 * The pack's config for a fleet: what `npm run plan` passes to the in-process runner, and what `npm run policy-config`
 * writes for `pulumi preview/up --policy-pack-config`. The pack itself never imports this: a policy receives its
 * config and never derives it from the repository. An owner or layer left out of the fleet (its file invalid) is
 * left out here too, so the policies refuse it in prod.
 */

/** A fleet's registry in policy-config form. */
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

/** Policy config for every policy that needs the fleet, in `--policy-pack-config` form. */
export function packConfigForFleet(fleet: Fleet, asOf: IsoDate): Record<string, Record<string, unknown>> {
  const registry = registryConfigFromFleet(fleet);
  return {
    "prod-requires-accepted-terms": { registry, asOf },
    "allowed-locations": { registry },
    "prod-operations-just-in-time": operationsJustInTimeConfig(fleet.layers.prod),
  };
}
