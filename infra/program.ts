import * as pulumi from "@pulumi/pulumi";
import { ServiceOwnerEnvironment } from "./components/serviceOwnerEnvironment";
import type { IsoDate } from "./model/dates";
import { ownerFilePath } from "./model/fleet";
import type { FleetResult } from "./model/fleetShape";
import { parseStackName } from "./model/stackName";
import { formatProblem } from "./model/problem";
import { resolveOwnerEnvironment, type OwnerEnvironment } from "./model/ownerEnvironment";

/**
 * Everything that can be wrong with the input, found before the first resource is registered: a bad stack name, a
 * missing or invalid owner file or environment layer, an environment the owner does not have. Throws with all of it.
 */
export function resolveStack(stack: string, fleet: FleetResult, today: IsoDate): OwnerEnvironment {
  const { org, environment } = parseStackName(stack);
  return resolveOwnerEnvironment(fleet, org, environment, today);
}

/**
 * The resources of one owner environment at `now` (ms; a deploy: the clock, an offline plan: the start of its day);
 * returns the stack outputs.
 */
export function defineStack(stack: string, target: OwnerEnvironment, now: number) {
  for (const expired of target.expiredGrants) {
    pulumi.log.warn(`${formatProblem(expired)} (left out of the group; access has ended)`);
  }
  if (target.staleRecoverKeyVault) {
    pulumi.log.warn(
      `${ownerFilePath(target.org)}: environments.${target.environment}.recoverKeyVault is ${target.staleRecoverKeyVault}, ` +
        "a past day: the vault is no longer recovered (createMode is not sent); remove the setting",
    );
  }
  return new ServiceOwnerEnvironment(stack, { target, now }).outputs;
}
