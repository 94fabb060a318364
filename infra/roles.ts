import { nameBasedGuid } from "./guid";
import type { RoleName } from "./model/schema";

/** Built-in Azure role definitions: their ids are the same in every tenant. */
export const AZURE_BUILT_IN_ROLES = {
  "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
  "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
  "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
} as const;
export type AzureBuiltInRole = keyof typeof AZURE_BUILT_IN_ROLES;

/**
 * The resources a role can be granted on, within one owner environment. The platform workspace is not one of them:
 * nobody in this table reads the control-plane audit, the Key Vault audit or Defender's data (LOG_READERS).
 */
export type RoleScope = "logAnalyticsWorkspace" | "applicationInsights" | "keyVault" | "nodeSubnet" | "natGateway";

/**
 * Who receives a role: one of the owner's Entra ID groups, the apps' managed identity (workload identity), or the
 * cluster's control-plane identity. Never a node-level identity: any pod on a node can obtain its token.
 */
export type RolePrincipal = RoleName | "apps" | "cluster";

export interface RoleAssignmentRule {
  readonly principal: RolePrincipal;
  readonly role: AzureBuiltInRole;
  readonly scope: RoleScope;
}

/**
 * The one table of who gets which Azure role on what. Developer reads logs (least privilege: Reader, not
 * Contributor); Operations manages secrets; the apps (through workload identity) read secrets and send telemetry
 * (Application Insights with local auth off accepts only Entra ID tokens with Monitoring Metrics Publisher); the
 * cluster joins its nodes to the owner's node subnet. Writing the subnet is checked against every resource it
 * links (ARM's linked authorization): the NAT gateway's join action too, or AKS fails with LinkedAuthorizationFailed
 * (microsoft/tyger PR 320; Azure/AKS issue 1653).
 */
export const ROLE_ASSIGNMENTS: readonly RoleAssignmentRule[] = [
  { principal: "developer", role: "Log Analytics Reader", scope: "logAnalyticsWorkspace" },
  { principal: "developer", role: "Monitoring Reader", scope: "applicationInsights" },
  { principal: "operations", role: "Key Vault Secrets Officer", scope: "keyVault" },
  { principal: "apps", role: "Key Vault Secrets User", scope: "keyVault" },
  { principal: "apps", role: "Monitoring Metrics Publisher", scope: "applicationInsights" },
  { principal: "cluster", role: "Network Contributor", scope: "nodeSubnet" },
  { principal: "cluster", role: "Network Contributor", scope: "natGateway" },
];

/**
 * Who reads which log destination: the split between what developers may read (their apps' telemetry) and what only
 * the platform reads (control-plane audit, Key Vault audit, Defender). Enforced by workspace: the role table grants
 * nothing on the platform workspace, which also refuses resource-context reads (enableLogAccessUsingOnlyResourcePermissions
 * false), so Reader on a vault or cluster does not open its audit (infra/components/monitoring.ts).
 */
export const LOG_READERS = {
  logAnalyticsWorkspace: {
    holds: "Application Insights telemetry and container logs (Container Insights)",
    readers: ["developer"] as const satisfies readonly RolePrincipal[],
  },
  platformWorkspace: {
    holds: "AKS control-plane audit (kube-audit-admin, guard), Key Vault audit, Defender for Containers",
    readers: [] as const satisfies readonly RolePrincipal[],
  },
} as const;

/**
 * The logical name of a rule's assignment: principal and role, and the scope where the same principal has the same
 * role on more than one scope (the cluster's Network Contributor on the subnet and on the NAT gateway).
 */
export function roleAssignmentLogicalName(org: string, environment: string, rule: RoleAssignmentRule): string {
  const slug = rule.role.toLowerCase().replaceAll(" ", "-");
  const twins = ROLE_ASSIGNMENTS.filter((other) => other.principal === rule.principal && other.role === rule.role);
  const scope = twins.length > 1 ? `-${rule.scope.toLowerCase()}` : "";
  return `${org}-${environment}-${rule.principal}-${slug}${scope}`;
}

/** Never "User": access goes through groups so that membership, not assignments, is what changes. */
export function principalTypeOf(principal: RolePrincipal): "Group" | "ServicePrincipal" {
  return principal === "developer" || principal === "operations" ? "Group" : "ServicePrincipal";
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
