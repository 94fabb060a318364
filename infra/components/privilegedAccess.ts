import { GroupRoleManagementPolicy } from "@pulumi/azuread/groupRoleManagementPolicy";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { PrivilegedAccessGroupEligibilitySchedule } from "@pulumi/azuread/privilegedAccessGroupEligibilitySchedule";
import * as pulumi from "@pulumi/pulumi";
import { endOfDayInOslo, grantKind, ownerFilePath, type AccessPolicy, type Grant, type RoleName } from "../model";
import { accessGroupNames, privilegedScheduleName } from "../naming";
import type { EnvironmentContext } from "./context";

export interface PrivilegedAccessArgs {
  readonly context: EnvironmentContext;
  readonly role: RoleName;
  readonly policy: AccessPolicy;
  /** The group's object id (a bare GUID: azuread refuses the `/groups/<id>` form of `id`, provider issue #1731). */
  readonly groupId: pulumi.Input<string>;
  /** UPN → object id of every granted user. */
  readonly users: pulumi.Output<ReadonlyMap<string, string>>;
}

/** PIM's membership role: the schedules and the policy here never touch ownership of the group. */
const MEMBER = "member";

/** Why PIM shows this access: the owner file, the ticket and the reason of the grant. */
function justification(org: string, grant: Grant): string {
  return [`${ownerFilePath(org)}`, grant.ticket, grant.reason].filter(Boolean).join(": ");
}

/**
 * One role's group under Privileged Identity Management for Groups: its role management policy from the layer, and
 * one schedule per active grant that Entra ID itself ends at midnight after the grant's `expires` day, Oslo time,
 * whether or not anyone deploys. A just-in-time role's grants are eligibilities, activated in PIM with the policy's
 * justification, MFA, approval and maximum duration; every other grant is an active assignment.
 */
export class PrivilegedAccess extends pulumi.ComponentResource {
  constructor(
    name: string,
    { context, role, policy, groupId, users }: PrivilegedAccessArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:PrivilegedAccess", name, {}, opts);
    const { target } = context;
    const { mailNickname } = accessGroupNames(target.org, target.environment, role);
    const justInTime = policy.justInTime?.roles.includes(role) ? policy.justInTime : undefined;
    const notify = justInTime && {
      notificationLevel: "All",
      defaultRecipients: true,
      additionalRecipients: justInTime.notify,
    };

    // Entra ID's default policy caps active assignments at 180 days and refuses permanent ones
    // (RoleAssignmentRequestPolicyValidationFailed, provider issue #1450); the layer's grant lifetimes are enforced
    // by validation instead, in calendar months. `expirationRequired: true` is refused as an invalid policy (#1537).
    const roleManagementPolicy = new GroupRoleManagementPolicy(
      `${mailNickname}-member-policy`,
      {
        groupId,
        roleId: MEMBER,
        activeAssignmentRules: { expirationRequired: false },
        eligibleAssignmentRules: { expirationRequired: false },
        ...(justInTime && {
          activationRules: {
            maximumDuration: justInTime.activation.maximumDuration,
            requireJustification: justInTime.activation.requireJustification,
            requireMultifactorAuthentication: justInTime.activation.requireMultifactorAuthentication,
            requireApproval: justInTime.activation.requireApproval,
            ...(justInTime.activation.requireApproval && {
              approvalStage: {
                primaryApprovers: [{ objectId: justInTime.approverGroupObjectId, type: "groupMembers" }],
              },
            }),
          },
        }),
        ...(notify && { notificationRules: { eligibleActivations: { adminNotifications: notify } } }),
      },
      { parent: this },
    );

    for (const grant of target.activeGrants.filter((candidate) => candidate.role === role)) {
      const args = {
        // Through the policy, so that each schedule is requested after it: one checked against Entra ID's default
        // policy can fail or race (provider issues #1450, #1466).
        groupId: roleManagementPolicy.groupId,
        principalId: users.apply((found) => found.get(grant.user) ?? ""),
        assignmentType: MEMBER,
        justification: justification(target.org, grant),
        ...(grant.expires ? { expirationDate: endOfDayInOslo(grant.expires) } : { permanentAssignment: true }),
        ...(grant.ticket && { ticketNumber: grant.ticket }),
      };
      const scheduleOpts = { parent: this };
      const scheduleName = privilegedScheduleName(target.org, target.environment, role, grant.user);
      if (grantKind(policy, grant) === "eligibility")
        new PrivilegedAccessGroupEligibilitySchedule(scheduleName, args, scheduleOpts);
      else new PrivilegedAccessGroupAssignmentSchedule(scheduleName, args, scheduleOpts);
    }
    this.registerOutputs({});
  }
}
