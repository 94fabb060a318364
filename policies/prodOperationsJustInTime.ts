import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { validateResourceOfType } from "@pulumi/policy";
import {
  accessPolicy,
  findRepositoryRoot,
  onlyJustInTime,
  readFleetSources,
  todayUtc,
  validateFleet,
  type EnvironmentLayer,
} from "../infra/model";
import { accessGroupNames, privilegedSchedulePrefix } from "../infra/naming";
import type { DocumentedPolicy } from "./documentedPolicy";
import { identityFromStack } from "./stackIdentity";

interface JustInTimeConfig {
  /** Whether the prod layer makes Operations just-in-time only; read from the repository's Pulumi.prod.yaml if absent. */
  operationsJustInTime?: boolean;
}

/** This policy's config for a prod layer: what `--policy-pack-config` passes when the pack runs away from the repository. */
export function operationsJustInTimeConfig(prod: EnvironmentLayer | undefined): Required<JustInTimeConfig> {
  // Fail closed: without a readable prod layer, standing Operations access is refused.
  return { operationsJustInTime: prod ? onlyJustInTime(accessPolicy(prod), "operations") : true };
}

let fromRepository: boolean | undefined;

function repositorySetting(): boolean {
  if (fromRepository === undefined) {
    // The pack's own repository: `policies/` sits next to the environment layers (as in ./registry). A published
    // pack runs without it: then no prod layer is readable, and the config above fails closed.
    let prod: EnvironmentLayer | undefined;
    try {
      const { layers } = readFleetSources(findRepositoryRoot(__dirname));
      prod = validateFleet({ layers, owners: [] }, todayUtc()).fleet.layers.prod;
    } catch {
      prod = undefined;
    }
    fromRepository = operationsJustInTimeConfig(prod).operationsJustInTime;
  }
  return fromRepository;
}

/**
 * Standing access to production secrets must not exist where the layer says prod Operations is just-in-time: the
 * Operations group gets eligibilities (activated in PIM with justification, MFA and approval), never an active
 * assignment schedule. The schedule's group is known by its name (infra/naming.ts), because its `groupId` is not
 * known before the group exists; the name's prefix comes from privilegedSchedulePrefix, as the program's names do.
 */
export const prodOperationsJustInTime: DocumentedPolicy = {
  name: "prod-operations-just-in-time",
  description:
    "In prod, no active PIM assignment to an Operations group while the layer makes Operations just-in-time.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  configSchema: { properties: { operationsJustInTime: { type: "boolean" } } },
  validateResource: validateResourceOfType(
    PrivilegedAccessGroupAssignmentSchedule,
    (_schedule, args, reportViolation) => {
      const identity = identityFromStack(args.urn);
      if (!identity.ok) {
        reportViolation(`${identity.problem}: an active assignment cannot be shown not to be prod Operations`);
        return;
      }
      if (identity.environment !== "prod") return;
      const operations = accessGroupNames(identity.org, identity.environment, "operations").mailNickname;
      if (!args.name.startsWith(privilegedSchedulePrefix(identity.org, identity.environment, "operations"))) return;
      const configured = args.getConfig<JustInTimeConfig>().operationsJustInTime;
      if (configured ?? repositorySetting()) {
        reportViolation(
          `active (standing) assignment to ${operations}: prod Operations is just-in-time, so the grant must be an eligibility activated in PIM`,
        );
      }
    },
  ),
};
