import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { describe, expect, it } from "vitest";
import { directoryOf } from "../../lib/azureMocks";
import { runComponent, typeOf } from "../../test/support/component";
import {
  principalTypeOf,
  ROLE_ASSIGNMENTS,
  roleAssignmentGuid,
  roleDefinitionId,
  type RolePrincipal,
  type RoleScope,
} from "../roles";
import { RoleAssignments, type RoleAssignmentsArgs } from "./roleAssignments";

const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const scopeId = (scope: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/altinnapps-abc-prod-rg/fake/${scope}`;
const principalId = (principal: string) => `00000000-0000-4000-8000-${principal.padStart(12, "0").slice(-12)}`;

/** A valid, small fixture: every scope and principal of the role table as a plain id. */
const ARGS: RoleAssignmentsArgs = {
  org: "abc",
  environment: "prod",
  subscriptionId: SUBSCRIPTION,
  scopes: Object.fromEntries(
    [...new Set(ROLE_ASSIGNMENTS.map((rule) => rule.scope))].map((scope) => [scope, scopeId(scope)]),
  ) as Record<RoleScope, string>,
  principals: Object.fromEntries(
    [...new Set(ROLE_ASSIGNMENTS.map((rule) => rule.principal))].map((principal) => [
      principal,
      principalId(principal),
    ]),
  ) as Record<RolePrincipal, string>,
};

describe("RoleAssignments", () => {
  it("makes one assignment per row of the role table, named like ARM's guid(scope, role, principal)", async () => {
    let component: RoleAssignments | undefined;
    const { resources, error } = await runComponent(directoryOf([]), () => {
      component = new RoleAssignments("roles", ARGS);
    });
    expect(error).toBeUndefined();
    const assignments = resources.filter((resource) => resource.type === typeOf(RoleAssignment));
    expect(assignments.map((assignment) => assignment.inputs)).toEqual(
      ROLE_ASSIGNMENTS.map((rule) => {
        const definition = roleDefinitionId(SUBSCRIPTION, rule.role);
        return {
          scope: scopeId(rule.scope),
          principalId: principalId(rule.principal),
          principalType: principalTypeOf(rule.principal),
          roleDefinitionId: definition,
          roleAssignmentName: roleAssignmentGuid(scopeId(rule.scope), definition, principalId(rule.principal)),
          description: `${rule.role} for abc prod ${rule.principal} (altinn-apps-infra)`,
        };
      }),
    );
    expect(assignments.every((assignment) => assignment.parent === "altinn:apps:RoleAssignments::roles")).toBe(true);
    const clusterRows = ROLE_ASSIGNMENTS.filter((rule) => rule.principal === "cluster");
    expect(component?.of("cluster")).toHaveLength(clusterRows.length);
  });
});
