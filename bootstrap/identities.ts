import type { EnvironmentName } from "../infra/model";
import { AZURE_BUILT_IN_ROLES } from "../infra/roles";

/** Built-in Azure roles the deploy identities hold: their ids are the same in every tenant. */
export const PLATFORM_ROLES = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
} as const;
export type PlatformRole = keyof typeof PLATFORM_ROLES;

/**
 * Microsoft Graph application permissions (app roles of the Microsoft Graph service principal), by what needs them:
 * - the owners' Entra ID groups: the deploy identity creates them and, as one of their owners (the layer's
 *   `groupOwnerObjectIds` must list it), manages them with Group.Create alone; azuread's Group docs: "if the
 *   authenticated service principal is also an owner of the group being managed, this resource can use the
 *   application role: Group.Create". Group.ReadWrite.All would let it change every group in the tenant.
 * - members are looked up with azuread.getUsers: User.ReadBasic.All is the least of the roles its docs list.
 * - PIM for Groups (eligible and active assignments, and the groups' role management policies): the three
 *   *.AzureADGroup permissions azuread's PrivilegedAccessGroup*Schedule and GroupRoleManagementPolicy docs require.
 * - a preview or drift check reads the same objects: the Read counterparts, and Group.Read.All to read groups it
 *   does not own.
 */
export const GRAPH_PERMISSIONS = {
  deploy: [
    "Group.Create",
    "User.ReadBasic.All",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "RoleManagementPolicy.ReadWrite.AzureADGroup",
  ],
  read: [
    "Group.Read.All",
    "User.ReadBasic.All",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "RoleManagementPolicy.Read.AzureADGroup",
  ],
} as const;

/** Microsoft Graph's application id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export type DeployIdentityName = "preview" | "tt02" | "production";

export interface DeployIdentitySpec {
  readonly name: DeployIdentityName;
  /**
   * The GitHub environments whose jobs log in as this identity. A job that names an environment gets the OIDC
   * subject repo:<owner>/<repo>:environment:<name>, whatever its trigger; every job here that logs in names one, so
   * these are the only subjects trusted (no pull_request or branch subject).
   */
  readonly githubEnvironments: readonly string[];
  /** The state container: read (preview) or read-write (deploy, which also takes the stack's lock). */
  readonly stateRole: PlatformRole;
  /** The owner environments whose scopes it has roles on. */
  readonly ownerEnvironments: readonly EnvironmentName[];
  readonly ownerRoles: readonly PlatformRole[];
  readonly graphPermissions: readonly string[];
}

/**
 * Who logs in for what. Preview and drift only read: Reader on the owners' scopes, state read, decrypt with the
 * one key. A deploy identity changes its environment only: Contributor, and Role Based Access Control
 * Administrator limited by a condition to the roles of infra/roles.ts granted to groups and service principals.
 */
export const DEPLOY_IDENTITIES: readonly DeployIdentitySpec[] = [
  {
    name: "preview",
    githubEnvironments: ["preview", "drift"],
    stateRole: "Storage Blob Data Reader",
    ownerEnvironments: ["tt02", "prod"],
    ownerRoles: ["Reader"],
    graphPermissions: GRAPH_PERMISSIONS.read,
  },
  {
    name: "tt02",
    githubEnvironments: ["tt02"],
    stateRole: "Storage Blob Data Contributor",
    ownerEnvironments: ["tt02"],
    ownerRoles: ["Contributor", "Role Based Access Control Administrator"],
    graphPermissions: GRAPH_PERMISSIONS.deploy,
  },
  {
    name: "production",
    githubEnvironments: ["production"],
    stateRole: "Storage Blob Data Contributor",
    ownerEnvironments: ["prod"],
    ownerRoles: ["Contributor", "Role Based Access Control Administrator"],
    graphPermissions: GRAPH_PERMISSIONS.deploy,
  },
];

/**
 * The condition on Role Based Access Control Administrator: it may create and delete only assignments of the roles
 * the program grants (infra/roles.ts), and only to groups and service principals (as the
 * role-assignments-to-groups-only policy demands). Microsoft's "constrain roles and principal types" pattern.
 */
export function roleAssignmentCondition(): string {
  const roles = Object.values(AZURE_BUILT_IN_ROLES).sort().join(", ");
  const limit = (action: "write" | "delete", source: "Request" | "Resource") =>
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})) OR ` +
    `(@${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}} AND ` +
    `@${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'Group', 'ServicePrincipal'}))`;
  return `${limit("write", "Request")} AND ${limit("delete", "Resource")}`;
}

export function federatedSubject(repository: string, githubEnvironment: string): string {
  return `repo:${repository}:environment:${githubEnvironment}`;
}
