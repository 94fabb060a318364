import { Group } from "@pulumi/azuread/group";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { describe, expect, it } from "vitest";
import { directoryOf } from "../../plan/semantics/azureMocks";
import { runComponent, typeOf } from "../../test/support/component";
import { accessGroupNames } from "../naming";
import { AccessGroups, type AccessGroupsArgs } from "./accessGroups";

const DEV = "dev.abc@ai-dev.no";
const OPS = "ops.abc@ai-dev.brreg.no";
const directory = directoryOf([DEV, OPS]);
const OWNER = "7d3e9a1c-2b4f-4c6d-8e0a-1f5b3c7d9e03";

/** A valid, small fixture: tt02 under the membership model. */
const MEMBERSHIP: AccessGroupsArgs = {
  adopt: {},
  roles: {
    developer: { names: accessGroupNames("abc", "tt02", "developer"), members: [DEV] },
    operations: { names: accessGroupNames("abc", "tt02", "operations"), members: [OPS] },
  },
  owners: [OWNER],
  grantsFrom: { ownerFile: "stacks/abc.yaml", environment: "tt02" },
};

/** The same under PIM: a permanent developer assignment, no operations grant. */
const PIM: AccessGroupsArgs = {
  ...MEMBERSHIP,
  roles: {
    developer: {
      names: MEMBERSHIP.roles.developer.names,
      pim: {
        justInTime: undefined,
        schedules: [
          {
            name: `altinn-apps-abc-tt02-developer-${DEV}`,
            user: DEV,
            kind: "assignment",
            justification: "stacks/abc.yaml",
          },
        ],
      },
    },
    operations: { names: MEMBERSHIP.roles.operations.names, pim: { justInTime: undefined, schedules: [] } },
  },
};

async function run(args: AccessGroupsArgs) {
  const result = await runComponent(() => {
    new AccessGroups("access", args);
  }, directory);
  expect(result.error).toBeUndefined();
  const ofType = (type: string) => result.resources.filter((resource) => resource.type === type);
  return { ...result, ofType };
}

describe("AccessGroups", () => {
  it("makes one security group per role, owned by the layer's owners, without preventDuplicateNames", async () => {
    const { ofType } = await run(MEMBERSHIP);
    expect(ofType(typeOf(Group)).map((group) => group.inputs)).toEqual([
      {
        displayName: "Altinn Apps abc Test Developer",
        mailNickname: "altinn-apps-abc-tt02-developer",
        description: MEMBERSHIP.roles.developer.names.description,
        securityEnabled: true,
        mailEnabled: false,
        owners: [OWNER],
        members: [directory.get(DEV)],
      },
      expect.objectContaining({ mailNickname: "altinn-apps-abc-tt02-operations", members: [directory.get(OPS)] }),
    ]);
    // azuread lists the tenant's groups by name for preventDuplicateNames: the deploy identity may not (Group.Create).
    for (const group of ofType(typeOf(Group))) expect(group.inputs).not.toHaveProperty("preventDuplicateNames");
  });

  it("under PIM leaves members alone and puts each role's schedules under its group's PrivilegedAccess", async () => {
    const { ofType } = await run(PIM);
    for (const group of ofType(typeOf(Group))) expect(group.inputs).not.toHaveProperty("members");
    expect(ofType("altinn:apps:PrivilegedAccess").map((component) => component.name)).toEqual([
      "access-developer-pim",
      "access-operations-pim",
    ]);
    const [schedule] = ofType(typeOf(PrivilegedAccessGroupAssignmentSchedule));
    expect(schedule).toMatchObject({
      name: `altinn-apps-abc-tt02-developer-${DEV}`,
      parent: "altinn:apps:PrivilegedAccess::access-developer-pim",
      inputs: { principalId: directory.get(DEV), permanentAssignment: true },
    });
  });
});
