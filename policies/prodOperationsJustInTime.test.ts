import {
  PrivilegedAccessGroupAssignmentSchedule,
  type PrivilegedAccessGroupAssignmentScheduleArgs,
} from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { describe, expect, it } from "vitest";
import { validateFleet } from "../infra/model/fleet";
import { fleetOf, layersWith, TODAY } from "../test/support/fleet";
import { operationsJustInTimeConfig, prodOperationsJustInTime as policy } from "./prodOperationsJustInTime";
import { resource, violations } from "./testing/fixtures";

const SCHEDULE = String(Reflect.get(PrivilegedAccessGroupAssignmentSchedule, "__pulumiType"));
const ARGS: PrivilegedAccessGroupAssignmentScheduleArgs = {
  groupId: "0f9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
  principalId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  assignmentType: "member",
  expirationDate: "2027-06-30T22:00:00Z",
  justification: "stacks/digdir.yaml: ALTINN-1225",
};
const schedule = (stack: string, role: string) => {
  const [org = "", environment = ""] = stack.split("-");
  return resource(SCHEDULE, { ...ARGS }, { stack, name: `altinn-apps-${org}-${environment}-${role}-kari@ai-dev.no` });
};
const jit = (operationsJustInTime: boolean) => ({ "prod-operations-just-in-time": { operationsJustInTime } });

describe("prod-operations-just-in-time", () => {
  it("refuses an active assignment to a prod Operations group while the layer makes it just-in-time", async () => {
    expect(await violations(policy, schedule("digdir-prod", "operations"), jit(true))).toEqual([
      "active (standing) assignment to altinn-apps-digdir-prod-operations: prod Operations is just-in-time, so the grant must be an eligibility activated in PIM",
    ]);
  });

  // The policy never reads the repository's prod layer: without the setting in its config, standing access is refused.
  it("fails closed without config, naming the missing setting", async () => {
    const refused = (why: string) => [
      `active (standing) assignment to altinn-apps-digdir-prod-operations: whether prod Operations is just-in-time is unknown, so it is refused: ${why}`,
    ];
    expect(await violations(policy, schedule("digdir-prod", "operations"))).toEqual(
      refused(
        "the policy config has no operationsJustInTime (write it from the fleet with `npm run policy-config` and pass it with --policy-pack-config)",
      ),
    );
    const notBoolean = { "prod-operations-just-in-time": { operationsJustInTime: "yes" } };
    expect(await violations(policy, schedule("digdir-prod", "operations"), notBoolean)).toEqual(
      refused('operationsJustInTime in policy config is "yes", not true or false'),
    );
    expect(await violations(policy, schedule("digdir-prod", "developer"))).toEqual([]);
  });

  it.each([
    ["a prod Developer assignment", schedule("digdir-prod", "developer"), jit(true)],
    ["a tt02 Operations assignment", schedule("digdir-tt02", "operations"), jit(true)],
    ["prod Operations where the layer allows standing access", schedule("digdir-prod", "operations"), jit(false)],
  ])("passes %s", async (_case, subject, config) => {
    expect(await violations(policy, subject, config)).toEqual([]);
  });

  it("fails closed on a stack whose environment is unknown", async () => {
    expect(await violations(policy, schedule("digdir", "operations"), jit(false))).toEqual([
      'stack "digdir" is not named <org>-<env>, so its owner and environment are unknown: an active assignment cannot be shown not to be prod Operations',
    ]);
  });

  it("is configured from the prod layer, and refuses standing access without one", () => {
    const prodLayer = (edit: (text: string) => string) =>
      validateFleet({ ...fleetOf(), layers: layersWith("prod", edit) }, TODAY).fleet.layers.prod;
    expect(operationsJustInTimeConfig(prodLayer((text) => text))).toEqual({ operationsJustInTime: true });
    expect(
      operationsJustInTimeConfig(prodLayer((text) => text.replace("allowStanding: false", "allowStanding: true"))),
    ).toEqual({ operationsJustInTime: false });
    expect(
      operationsJustInTimeConfig(prodLayer((text) => text.replace("accessModel: pim", "accessModel: membership"))),
    ).toEqual({ operationsJustInTime: false });
    expect(operationsJustInTimeConfig(undefined)).toEqual({ operationsJustInTime: true });
  });
});
