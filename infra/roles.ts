import { nameBasedGuid } from "./guid";
import type { RoleName } from "./model";

/** Built-in Azure role definitions: their ids are the same in every tenant. */
export const AZURE_BUILT_IN_ROLES = {
  "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
  "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
} as const;
export type AzureBuiltInRole = keyof typeof AZURE_BUILT_IN_ROLES;

/** The resources a role can be granted on, within one owner environment. */
export type RoleScope = "logAnalyticsWorkspace" | "applicationInsights" | "keyVault";

/** Who receives a role: one of the owner's Entra ID groups, or the cluster's Key Vault secrets provider identity. */
export type RolePrincipal = RoleName | "keyVaultSecretsProvider";

export interface RoleAssignmentRule {
  readonly principal: RolePrincipal;
  readonly role: AzureBuiltInRole;
  readonly scope: RoleScope;
}

/**
 * The one table of who gets which Azure role on what. Developer reads logs (least privilege: Reader, not
 * Contributor); Operations manages secrets; the cluster's CSI driver reads them for the apps.
 */
export const ROLE_ASSIGNMENTS: readonly RoleAssignmentRule[] = [
  { principal: "developer", role: "Log Analytics Reader", scope: "logAnalyticsWorkspace" },
  { principal: "developer", role: "Monitoring Reader", scope: "applicationInsights" },
  { principal: "operations", role: "Key Vault Secrets Officer", scope: "keyVault" },
  { principal: "keyVaultSecretsProvider", role: "Key Vault Secrets User", scope: "keyVault" },
];

/** Never "User": access goes through groups so that membership, not assignments, is what changes. */
export function principalTypeOf(principal: RolePrincipal): "Group" | "ServicePrincipal" {
  return principal === "keyVaultSecretsProvider" ? "ServicePrincipal" : "Group";
}

export function roleDefinitionId(subscriptionId: string, role: AzureBuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AZURE_BUILT_IN_ROLES[role]}`;
}

/**
 * The assignment's name, from scope, role and principal like ARM's `guid(scope, role, principal)`: the same
 * assignment always gets the same name, so re-runs never churn and a duplicate is rejected by Azure.
 */
export function roleAssignmentGuid(scope: string, roleDefinition: string, principalId: string): string {
  return nameBasedGuid(scope.toLowerCase(), roleDefinition.toLowerCase(), principalId);
}
