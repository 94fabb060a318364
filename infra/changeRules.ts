import type { OwnerEnvironment } from "./model";

/**
 * Day-2 rules: what this program can change on an existing stack, and what it cannot. One table each, used by the
 * program's documentation and by the PR tooling (plan --diff) to refuse a change before it reaches `pulumi up`.
 */

/** A setting of an owner environment that can never change once the stack exists. */
export interface ImmutableStackField {
  /** Where it is set, as an admin would look for it. */
  readonly setting: string;
  /** Its effective value for one stack (after the layer's defaults and the owner's overrides are merged). */
  readonly read: (target: OwnerEnvironment) => unknown;
  /** Why Azure or the program cannot carry the change out. */
  readonly reason: string;
  /** What to do instead. */
  readonly instead: string;
}

export const IMMUTABLE_STACK_FIELDS: readonly ImmutableStackField[] = [
  {
    setting: "stacks/<org>.yaml environments.<env>.subscriptionId",
    read: (target) => target.subscriptionId,
    reason:
      "every resource id and role definition id embeds the subscription; resources cannot be moved by a deploy, so the stack would create a second environment and orphan the first",
    instead:
      "create the new environment as a new stack (a decommissioning runbook for the old one), or move the resources with Azure's resource move and then `pulumi import`",
  },
  {
    setting: "stacks/<org>.yaml environments.<env>.location (or the layer's locations.default)",
    read: (target) => target.location,
    reason:
      "location forces replacement of every resource, and prod's stateful resources are protected (the Key Vault name stays blocked for 90 days by purge protection)",
    instead: "build the new region as a new stack and migrate the apps; decommission the old one",
  },
];

/** A resource property whose change azure-native carries out by replacing the resource. */
export interface ReplacementProperty {
  /** The Pulumi type token, e.g. `azure-native:keyvault:Vault`. */
  readonly type: string;
  /** The input's path, dot-separated (`properties.tenantId`). */
  readonly property: string;
  readonly reason: string;
}

const PATH_PARAMETER =
  "part of the resource's ARM id (a URL path parameter): azure-native replaces the resource when it changes (pulumi-azure-native#77)";
const LOCATION =
  'ARM cannot move a resource to another region in place ("InvalidResourceLocation", pulumi-azure-native#3053)';

/** The path parameters and the location of one azure-native resource type. */
function armIdentity(type: string, ...pathParameters: string[]): ReplacementProperty[] {
  return [
    ...pathParameters.map((property) => ({ type, property, reason: PATH_PARAMETER })),
    ...(pathParameters.includes("scope") || pathParameters.includes("resourceUri")
      ? []
      : [{ type, property: "location", reason: LOCATION }]),
  ];
}

/**
 * Array elements are written `[]`: `agentPoolProfiles[].vmSize` matches every pool. Only the resource types this
 * program registers; a property not listed is updated in place.
 */
export const REPLACEMENT_PROPERTIES: readonly ReplacementProperty[] = [
  ...armIdentity("azure-native:resources:ResourceGroup", "resourceGroupName"),
  ...armIdentity("azure-native:operationalinsights:Workspace", "resourceGroupName", "workspaceName"),
  ...armIdentity("azure-native:applicationinsights:Component", "resourceGroupName", "resourceName"),
  ...armIdentity("azure-native:keyvault:Vault", "resourceGroupName", "vaultName"),
  ...armIdentity("azure-native:containerservice:ManagedCluster", "resourceGroupName", "resourceName"),
  ...armIdentity("azure-native:network:PrivateEndpoint", "resourceGroupName", "privateEndpointName"),
  ...armIdentity(
    "azure-native:network:PrivateDnsZoneGroup",
    "resourceGroupName",
    "privateEndpointName",
    "privateDnsZoneGroupName",
  ),
  ...armIdentity("azure-native:monitor:DiagnosticSetting", "resourceUri", "name"),
  ...armIdentity("azure-native:authorization:RoleAssignment", "scope", "roleAssignmentName"),
  ...["principalId", "roleDefinitionId", "principalType"].map((property) => ({
    type: "azure-native:authorization:RoleAssignment",
    property,
    reason: "ARM refuses to update a role assignment (RoleAssignmentUpdateNotPermitted): it is deleted and created",
  })),
  {
    type: "azure-native:containerservice:ManagedCluster",
    property: "dnsPrefix",
    reason: "AKS cannot change a cluster's DNS prefix (the API server's FQDN) after creation",
  },
  {
    type: "azure-native:containerservice:ManagedCluster",
    property: "nodeResourceGroup",
    reason: "AKS creates the node resource group with the cluster and cannot rename it",
  },
  ...["vmSize", "availabilityZones", "enableEncryptionAtHost", "name"].map((field) => ({
    type: "azure-native:containerservice:ManagedCluster",
    property: `agentPoolProfiles[].${field}`,
    reason:
      'the inline agent pools cannot be updated through the cluster (azure-native ManagedCluster docs: "The Azure API does not currently allow this property to be updated directly"); a pool\'s VM size, zones and host encryption are fixed at its creation',
  })),
  ...["mailNickname", "assignableToRole", "types"].map((property) => ({
    type: "azuread:index/group:Group",
    property,
    reason:
      'the azuread provider recreates a group when this changes ("Changing this forces a new resource to be created")',
  })),
  {
    type: "pulumi:providers:azure-native",
    property: "subscriptionId",
    reason: "the provider is bound to one subscription: a new one means every resource is created again elsewhere",
  },
];
