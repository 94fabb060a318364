import { GroupRoleManagementPolicy } from "@pulumi/azuread/groupRoleManagementPolicy";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { PrivilegedAccessGroupEligibilitySchedule } from "@pulumi/azuread/privilegedAccessGroupEligibilitySchedule";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { directoryOf } from "../../plan/semantics/azureMocks";
import { runComponent, typeOf } from "../../test/support/component";
import { PrivilegedAccess, type PrivilegedAccessArgs } from "./privilegedAccess";

const DEV = "dev.abc@ai-dev.no";
const OPS = "ops.abc@ai-dev.brreg.no";
const directory = directoryOf([DEV, OPS]);
const GROUP_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const COMPONENT = "altinn:apps:PrivilegedAccess";
const APPROVERS = "5b0f2d4e-7c1a-4e8b-9f3d-2a6c8e1b4d02";

/** A valid, small fixture: an Operations group, just-in-time, with an eligibility (ticketed) and a permanent assignment. */
const ARGS: Omit<PrivilegedAccessArgs, "users"> = {
  groupId: GROUP_ID,
  mailNickname: "altinn-apps-abc-prod-operations",
  justInTime: {
    roles: ["operations"],
    allowStanding: true,
    activation: {
      maximumDuration: "PT8H",
      requireJustification: true,
      requireMultifactorAuthentication: true,
      requireApproval: true,
    },
    notify: ["drift@example.no"],
    approverGroupObjectId: APPROVERS,
  },
  schedules: [
    {
      name: `altinn-apps-abc-prod-operations-${OPS}`,
      user: OPS,
      kind: "eligibility",
      endsAt: "2027-01-31T23:00:00Z",
      justification: "stacks/abc.yaml: ALTINN-7",
      ticket: { number: "ALTINN-7", system: "altinndigital.no" },
    },
    {
      name: `altinn-apps-abc-prod-operations-${DEV}`,
      user: DEV,
      kind: "assignment",
      justification: "stacks/abc.yaml",
    },
  ],
};

async function run(args: Omit<PrivilegedAccessArgs, "users"> = ARGS) {
  const result = await runComponent(() => {
    new PrivilegedAccess("pim", { ...args, users: pulumi.output(GROUP_ID).apply(() => directory) });
  }, directory);
  expect(result.error).toBeUndefined();
  const ofType = (resourceClass: object) =>
    result.resources.filter((resource) => resource.type === typeOf(resourceClass));
  return { ...result, ofType };
}

describe("PrivilegedAccess", () => {
  it("requests each schedule on the group, through the policy, with the ticket number and its system together", async () => {
    const { ofType } = await run();
    const [eligibility] = ofType(PrivilegedAccessGroupEligibilitySchedule);
    const [assignment] = ofType(PrivilegedAccessGroupAssignmentSchedule);
    expect(eligibility?.inputs).toEqual({
      groupId: GROUP_ID,
      principalId: directory.get(OPS),
      assignmentType: "member",
      justification: "stacks/abc.yaml: ALTINN-7",
      expirationDate: "2027-01-31T23:00:00Z",
      ticketNumber: "ALTINN-7",
      ticketSystem: "altinndigital.no",
    });
    expect(assignment?.inputs).toEqual({
      groupId: GROUP_ID,
      principalId: directory.get(DEV),
      assignmentType: "member",
      justification: "stacks/abc.yaml",
      permanentAssignment: true,
    });
  });

  it("replaces a schedule on any change, deleting the old one first (Graph refuses an update: azuread #1412)", async () => {
    const { ofType } = await run();
    const schedules = [
      ...ofType(PrivilegedAccessGroupEligibilitySchedule),
      ...ofType(PrivilegedAccessGroupAssignmentSchedule),
    ];
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.opts).toMatchObject({ replaceOnChanges: ["*"], deleteBeforeReplace: true });
      expect(schedule.opts.retainOnDelete).toBeUndefined();
      expect(schedule.parent).toBe(`${COMPONENT}::pim`);
    }
  });

  it("sets the just-in-time activation rules and approvers, and none for a role that is not just-in-time", async () => {
    const { ofType } = await run();
    expect(ofType(GroupRoleManagementPolicy)[0]?.inputs).toMatchObject({
      groupId: GROUP_ID,
      roleId: "member",
      activationRules: {
        maximumDuration: "PT8H",
        requireApproval: true,
        approvalStage: { primaryApprovers: [{ objectId: APPROVERS, type: "groupMembers" }] },
      },
      notificationRules: {
        eligibleActivations: { adminNotifications: { additionalRecipients: ["drift@example.no"] } },
      },
    });
    const standing = await run({ ...ARGS, justInTime: undefined });
    expect(standing.ofType(GroupRoleManagementPolicy)[0]?.inputs).toEqual({
      groupId: GROUP_ID,
      roleId: "member",
      activeAssignmentRules: { expirationRequired: false },
      eligibleAssignmentRules: { expirationRequired: false },
    });
  });

  it("registers no schedule when there is none, only the policy", async () => {
    const { resources } = await run({ ...ARGS, schedules: [] });
    expect(resources.map((resource) => resource.type)).toEqual([COMPONENT, typeOf(GroupRoleManagementPolicy)]);
  });
});
