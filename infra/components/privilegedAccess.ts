import { GroupRoleManagementPolicy } from "@pulumi/azuread/groupRoleManagementPolicy";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { PrivilegedAccessGroupEligibilitySchedule } from "@pulumi/azuread/privilegedAccessGroupEligibilitySchedule";
import * as pulumi from "@pulumi/pulumi";
import type { AccessPolicy, PimSchedule } from "../model/access";

export interface PrivilegedAccessArgs {
  /** The group's object id (a bare GUID: azuread refuses the `/groups/<id>` form of `id`, provider issue #1731). */
  readonly groupId: pulumi.Input<string>;
  /** The group's mail nickname: the policy's resource name. */
  readonly mailNickname: string;
  /** This role's just-in-time settings; absent when its grants are active assignments. */
  readonly justInTime: AccessPolicy["justInTime"];
  /** The live schedules, each with its resource name (infra/naming.ts privilegedScheduleName). */
  readonly schedules: readonly (PimSchedule & { readonly name: string })[];
  /** UPN → object id of every granted user. */
  readonly users: pulumi.Output<ReadonlyMap<string, string>>;
}

/**
 * The type tokens the engine records the schedules under: what a deploy looks for in a stack's state when it forgets
 * the schedules Entra ID has ended (scripts/endedSchedules.ts). Read off the SDK's classes, never spelled by hand.
 */
export const SCHEDULE_TYPES: ReadonlySet<string> = new Set(
  [PrivilegedAccessGroupAssignmentSchedule, PrivilegedAccessGroupEligibilitySchedule].map((resourceClass) =>
    String(Reflect.get(resourceClass, "__pulumiType")),
  ),
);

/** PIM's membership role: the schedules and the policy here never touch ownership of the group. */
const MEMBER = "member";

/**
 * Graph cannot update a schedule: azuread (v3.8.0, privileged_access_group_assignment_schedule_resource.go line 245,
 * and the eligibility twin) "updates" by sending a new `adminAssign` request, which Graph refuses while the
 * assignment exists (RoleAssignmentExists, azuread #1412). So any change (renewal, reason, ticket) replaces the
 * schedule under the same name, the old one removed (`adminRemove`) before the new one is requested.
 */
const SCHEDULE_OPTIONS: pulumi.CustomResourceOptions = { replaceOnChanges: ["*"], deleteBeforeReplace: true };

/**
 * One role's group under Privileged Identity Management for Groups: its role management policy from the layer, and
 * one schedule per live grant, which Entra ID itself ends at midnight after the grant's `expires` day, Oslo time,
 * whether or not anyone deploys. A just-in-time role's grants are eligibilities, activated in PIM with the policy's
 * justification, MFA, approval and maximum duration; every other grant is an active assignment.
 */
export class PrivilegedAccess extends pulumi.ComponentResource {
  constructor(
    name: string,
    { groupId, mailNickname, justInTime, schedules, users }: PrivilegedAccessArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:PrivilegedAccess", name, {}, opts);
    const notify = justInTime && {
      notificationLevel: "All",
      defaultRecipients: true,
      additionalRecipients: justInTime.notify,
    };

    // Entra ID's default policy caps active assignments at 180 days and refuses permanent ones
    // (RoleAssignmentRequestPolicyValidationFailed, provider issue #1450); the layer's grant lifetimes are enforced
    // by validation instead, in calendar months. `expirationRequired: true` is refused as an invalid policy (#1537).
    const policy = new GroupRoleManagementPolicy(
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

    for (const schedule of schedules) {
      const args = {
        // Through the policy, so that each schedule is requested after it: one checked against Entra ID's default
        // policy can fail or race (provider issues #1450, #1466).
        groupId: policy.groupId,
        principalId: users.apply((found) => found.get(schedule.user) ?? ""),
        assignmentType: MEMBER,
        justification: schedule.justification,
        ...(schedule.endsAt ? { expirationDate: schedule.endsAt } : { permanentAssignment: true }),
        // azuread declares ticket_number and ticket_system RequiredWith each other (v3.8.0,
        // privileged_access_group_schedule.go lines 112-126): one without the other fails at preview.
        ...(schedule.ticket && { ticketNumber: schedule.ticket.number, ticketSystem: schedule.ticket.system }),
      };
      const scheduleOpts = { parent: this, ...SCHEDULE_OPTIONS };
      if (schedule.kind === "eligibility")
        new PrivilegedAccessGroupEligibilitySchedule(schedule.name, args, scheduleOpts);
      else new PrivilegedAccessGroupAssignmentSchedule(schedule.name, args, scheduleOpts);
    }
    this.registerOutputs({});
  }
}
