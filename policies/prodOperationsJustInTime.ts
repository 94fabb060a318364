import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { validateResourceOfType } from "@pulumi/policy";
import { accessPolicy, onlyJustInTime } from "../infra/model/access";
import type { EnvironmentLayer } from "../infra/model/environment";
import { accessGroupNames, privilegedSchedulePrefix } from "../infra/naming";
import type { DocumentedPolicy } from "./documentedPolicy";
import { MISSING_CONFIG_HINT } from "./registry";
import { identityFromStack } from "./stackIdentity";

interface JustInTimeConfig {
  /** Whether the prod layer makes Operations just-in-time only (required: without it standing access is refused). */
  operationsJustInTime?: unknown;
}

/** This policy's config for a prod layer, as `npm run policy-config` writes it and `npm run plan` passes it. */
export function operationsJustInTimeConfig(prod: EnvironmentLayer | undefined): { operationsJustInTime: boolean } {
  // Fail closed: without a readable prod layer, standing Operations access is refused.
  return { operationsJustInTime: prod ? onlyJustInTime(accessPolicy(prod), "operations") : true };
}

/** Why standing access is refused when the config does not say whether the layer allows it; undefined when it does. */
function missingSetting(value: unknown): string | undefined {
  if (typeof value === "boolean") return undefined;
  return value === undefined
    ? `the policy config has no operationsJustInTime (${MISSING_CONFIG_HINT})`
    : `operationsJustInTime in policy config is ${JSON.stringify(value)}, not true or false`;
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
      const missing = missingSetting(configured);
      if (missing !== undefined) {
        reportViolation(
          `active (standing) assignment to ${operations}: whether prod Operations is just-in-time is unknown, so it is refused: ${missing}`,
        );
      } else if (configured) {
        reportViolation(
          `active (standing) assignment to ${operations}: prod Operations is just-in-time, so the grant must be an eligibility activated in PIM`,
        );
      }
    },
  ),
};
