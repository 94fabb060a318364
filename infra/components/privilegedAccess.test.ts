import { GroupRoleManagementPolicy } from "@pulumi/azuread/groupRoleManagementPolicy";
import { Group } from "@pulumi/azuread/group";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { PrivilegedAccessGroupEligibilitySchedule } from "@pulumi/azuread/privilegedAccessGroupEligibilitySchedule";
import { describe, expect, it } from "vitest";
import { directoryOf } from "../../plan/semantics/azureMocks";
import { evaluateStack, type RegisteredResource } from "../../plan/semantics/evaluate";
import { layersWith, ownerYaml, REPO_SOURCES, TODAY } from "../../test/support/fleet";
import { writeRepository } from "../../test/support/repository";
import { nameBasedGuid } from "../guid";
import { loadFleet } from "../../files/fleetReader";
import type { EnvironmentName } from "../model/schema";

/** The type token the engine registers a resource class under. */
const typeOf = (resourceClass: object): string => String(Reflect.get(resourceClass, "__pulumiType"));
const T = {
  group: typeOf(Group),
  policy: typeOf(GroupRoleManagementPolicy),
  assignment: typeOf(PrivilegedAccessGroupAssignmentSchedule),
  eligibility: typeOf(PrivilegedAccessGroupEligibilitySchedule),
};

const DEV = "dev.abc@ai-dev.no";
const OPS = "ops.abc@ai-dev.brreg.no";
const ACCESS = [
  { user: DEV, role: "developer", environment: "tt02" },
  { user: OPS, role: "operations", environment: "tt02", expires: "2027-01-31", ticket: "ALTINN-7" },
  { user: DEV, role: "developer", environment: "prod", expires: "2027-06-30", reason: "Incident follow-up" },
  { user: OPS, role: "operations", environment: "prod", expires: "2027-01-31", ticket: "ALTINN-8" },
];
const directory = directoryOf([DEV, OPS]);

type Model = "pim" | "membership";
const membership = (text: string) =>
  text.replace("altinn-apps:accessModel: pim", "altinn-apps:accessModel: membership");

async function evaluate(environment: EnvironmentName, model: Model, access: object[] = ACCESS) {
  const layers = model === "pim" ? REPO_SOURCES.layers : { ...layersWith(environment, membership) };
  const root = writeRepository([ownerYaml("abc", { access })], layers);
  const result = await evaluateStack({
    stack: `abc-${environment}`,
    fleet: loadFleet(root, TODAY),
    today: TODAY,
    directory,
  });
  expect(result.error).toBeUndefined();
  const ofType = (type: string) => result.resources.filter((resource) => resource.type === type);
  const named = (name: string): RegisteredResource => {
    const found = result.resources.find((resource) => resource.name === name);
    if (!found) throw new Error(`no resource named ${name}`);
    return found;
  };
  return { ...result, ofType, named };
}

/** The object id the mocked Entra ID gives the owner's group (plan/semantics/azureMocks.ts): what a schedule must point at. */
const groupObjectId = (environment: EnvironmentName, role: string) =>
  nameBasedGuid("group", `altinn-apps-abc-${environment}-${role}`);

describe("access in the pim model", () => {
  it("gives tt02 grants active assignments that end at midnight after expires, Oslo time, or never", async () => {
    const tt02 = await evaluate("tt02", "pim");
    expect(tt02.ofType(T.eligibility)).toEqual([]);
    const schedules = tt02.ofType(T.assignment).map((schedule) => ({ name: schedule.name, ...schedule.inputs }));
    expect(schedules).toEqual([
      {
        name: `altinn-apps-abc-tt02-developer-${DEV}`,
        groupId: groupObjectId("tt02", "developer"),
        principalId: directory.get(DEV),
        assignmentType: "member",
        justification: "stacks/abc.yaml",
        permanentAssignment: true,
      },
      {
        name: `altinn-apps-abc-tt02-operations-${OPS}`,
        groupId: groupObjectId("tt02", "operations"),
        principalId: directory.get(OPS),
        assignmentType: "member",
        justification: "stacks/abc.yaml: ALTINN-7",
        expirationDate: "2027-01-31T23:00:00Z", // winter: UTC+1
        // The provider refuses a ticket number without its system (RequiredWith; plan/semantics/contracts caught it).
        ticketNumber: "ALTINN-7",
        ticketSystem: "altinndigital.no", // the layer's: azuread requires the two together
      },
    ]);
  });

  it("in prod, makes Operations an eligibility and Developer an active assignment, each on its group", async () => {
    const prod = await evaluate("prod", "pim");
    const [developer] = prod.ofType(T.assignment);
    const [operations] = prod.ofType(T.eligibility);
    expect(prod.ofType(T.assignment)).toHaveLength(1);
    expect(prod.ofType(T.eligibility)).toHaveLength(1);
    expect(developer?.inputs).toMatchObject({
      principalId: directory.get(DEV),
      assignmentType: "member",
      expirationDate: "2027-06-30T22:00:00Z", // summer: UTC+2
      justification: "stacks/abc.yaml: Incident follow-up",
    });
    expect(operations?.inputs).toMatchObject({
      principalId: directory.get(OPS),
      assignmentType: "member",
      expirationDate: "2027-01-31T23:00:00Z",
    });
    expect(developer?.inputs["groupId"]).toBe(groupObjectId("prod", "developer"));
    expect(operations?.inputs["groupId"]).toBe(groupObjectId("prod", "operations"));
  });

  it("sets the Operations group's role management policy from the layer: justification, MFA, 8 hours, approval", async () => {
    const prod = await evaluate("prod", "pim");
    const layer = loadFleet(writeRepository([]), TODAY).fleet.layers.prod;
    expect(prod.named("altinn-apps-abc-prod-operations-member-policy").inputs).toEqual({
      groupId: groupObjectId("prod", "operations"),
      roleId: "member",
      activeAssignmentRules: { expirationRequired: false },
      eligibleAssignmentRules: { expirationRequired: false },
      activationRules: {
        maximumDuration: "PT8H",
        requireJustification: true,
        requireMultifactorAuthentication: true,
        requireApproval: true,
        approvalStage: { primaryApprovers: [{ objectId: layer?.platformAdminGroupObjectId, type: "groupMembers" }] },
      },
      notificationRules: {
        eligibleActivations: {
          adminNotifications: {
            notificationLevel: "All",
            defaultRecipients: true,
            additionalRecipients: ["plattform-drift@digdir.no"],
          },
        },
      },
    });
    // Developer is not just-in-time: its policy only allows the grant lifetimes validation enforces.
    expect(prod.named("altinn-apps-abc-prod-developer-member-policy").inputs).toEqual({
      groupId: groupObjectId("prod", "developer"),
      roleId: "member",
      activeAssignmentRules: { expirationRequired: false },
      eligibleAssignmentRules: { expirationRequired: false },
    });
  });

  it.each(["tt02", "prod"] as const)("does not manage the %s groups' members (PIM does)", async (environment) => {
    const stack = await evaluate(environment, "pim");
    for (const group of stack.ofType(T.group)) expect(group.inputs).not.toHaveProperty("members");
  });

  it("gives a standing prod Operations grant an active assignment only where the layer allows it", async () => {
    const access = [{ user: OPS, role: "operations", environment: "prod", expires: "2027-01-31", standing: true }];
    const allow = (text: string) => text.replace("allowStanding: false", "allowStanding: true");
    const root = writeRepository([ownerYaml("abc", { access })], layersWith("prod", allow));
    const result = await evaluateStack({ stack: "abc-prod", fleet: loadFleet(root, TODAY), today: TODAY, directory });
    expect(result.resources.filter((resource) => resource.type === T.assignment).map((r) => r.name)).toEqual([
      `altinn-apps-abc-prod-operations-${OPS}`,
    ]);
    expect(result.resources.filter((resource) => resource.type === T.eligibility)).toEqual([]);
  });
});

describe.each(["tt02", "prod"] as const)("access in the membership model (%s)", (environment) => {
  it("keeps the groups' members authoritative, exactly the active grants, with no PIM resources", async () => {
    const stack = await evaluate(environment, "membership");
    expect(stack.ofType(T.assignment)).toEqual([]);
    expect(stack.ofType(T.eligibility)).toEqual([]);
    expect(stack.ofType(T.policy)).toEqual([]);
    expect(stack.named(`altinn-apps-abc-${environment}-developer`).inputs["members"]).toEqual([directory.get(DEV)]);
    expect(stack.named(`altinn-apps-abc-${environment}-operations`).inputs["members"]).toEqual([directory.get(OPS)]);
  });
});
