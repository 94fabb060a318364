import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { validateResourceOfType } from "@pulumi/policy";
import type { DocumentedPolicy } from "./documentedPolicy";

const ALLOWED_PRINCIPAL_TYPES = new Set(["Group", "ServicePrincipal"]);

export const roleAssignmentsToGroupsOnly: DocumentedPolicy = {
  name: "role-assignments-to-groups-only",
  description: "Azure roles go to groups or workload identities, never directly to a user.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  validateResource: validateResourceOfType(RoleAssignment, (assignment, _args, reportViolation) => {
    if (!ALLOWED_PRINCIPAL_TYPES.has(String(assignment.principalType))) {
      reportViolation(
        `principalType must be Group or ServicePrincipal (is ${JSON.stringify(assignment.principalType)}): grant people access through their owner's groups`,
      );
    }
  }),
};
