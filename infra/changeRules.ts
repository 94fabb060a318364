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
  {
    setting: "Pulumi.<env>.yaml altinn-apps:tenantId",
    read: (target) => target.layer.tenantId,
    reason:
      "the Entra ID groups, the cluster's Entra ID integration, the vault's tenant and every managed identity belong to the tenant; none moves to another",
    instead: "a new tenant is a new platform: new stacks for every owner",
  },
  {
    setting:
      "stacks/<org>.yaml environments.<env>.network.addressSpace / nodeSubnet (or the layer's altinn-apps:network)",
    read: (target) => [target.network.addressSpace, target.network.nodeSubnet],
    reason:
      "every node has an address in the node subnet: Azure refuses to change a subnet's range while it is in use, and the system pool's subnet is fixed when the cluster is created",
    instead:
      "allocate an owner's range before its first deploy (README, Owner network); a later move is a new stack (or a manual migration: add a range and subnet, roll the pools, then update the file)",
  },
  {
    setting: "Pulumi.<env>.yaml altinn-apps:network.egressPrefixLength",
    read: (target) => target.network.egressPrefixLength,
    reason:
      "a public IP prefix's length is fixed at creation: a new prefix means new egress addresses, which break every third party's allow-list (and prod's prefix is protected)",
    instead:
      "add a second prefix to the NAT gateway by a program change, let third parties add it, then remove the old one",
  },
  {
    setting:
      "cluster.systemPoolVmSize, cluster.availabilityZones, cluster.encryptionAtHost (layer altinn-apps:cluster or the owner's environments.<env>.cluster)",
    read: (target) => [
      target.cluster.systemPoolVmSize,
      target.cluster.availabilityZones,
      target.cluster.encryptionAtHost,
    ],
    reason:
      "the system pool lives inline in the cluster, which ignores agentPoolProfiles after creation (Azure refuses pool changes through the cluster): the change would silently not happen for the system pool (the apps pool would roll)",
    instead:
      "add a system pool with the new settings as an AgentPool resource (mode System) in a program change, move the system workloads, delete the old pool with az aks nodepool delete",
  },
];

/**
 * A resource property whose change cannot be an in-place update: azure-native replaces the resource (its ARM id or
 * region changes), or Azure refuses the update (create-only); `reason` says which.
 */
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

/** The path parameters and the location of one azure-native resource type with a region of its own. */
function armIdentity(type: string, ...pathParameters: string[]): ReplacementProperty[] {
  return [...childIdentity(type, ...pathParameters), { type, property: "location", reason: LOCATION }];
}

/** The path parameters of a resource that lives inside another (a pool, a subnet, an extension resource). */
function childIdentity(type: string, ...pathParameters: string[]): ReplacementProperty[] {
  return pathParameters.map((property) => ({ type, property, reason: PATH_PARAMETER }));
}

/**
 * Create-only properties, as Azure documents them, where azure-native sends an update that Azure refuses instead of
 * replacing: the program keeps them out of in-place updates (the apps pool's name is derived from them, the system
 * pool is ignored after creation), and the PR tooling warns before a change reaches Azure.
 */
const CREATE_ONLY: readonly ReplacementProperty[] = [
  ...["vmSize", "availabilityZones", "osSKU", "enableEncryptionAtHost", "vnetSubnetID"].map((property) => ({
    type: "azure-native:containerservice:AgentPool",
    property,
    reason:
      "fixed when AKS creates the pool's scale set: the pool's name is derived from it (infra/naming.ts agentPoolName), so a change rolls a new pool",
  })),
  {
    type: "azure-native:containerservice:ManagedCluster",
    property: "networkProfile.outboundType",
    reason: '"This can only be set at cluster creation time and cannot be changed later" (azure-native SDK doc)',
  },
  ...["prefixLength", "publicIPAddressVersion", "sku"].map((property) => ({
    type: "azure-native:network:PublicIPPrefix",
    property,
    reason: "fixed when the prefix is allocated: a new prefix means new egress addresses",
  })),
];

/**
 * Only the resource types this program registers; a property not listed is updated in place. A rule covers what lies
 * below its path. Nothing under a resource's `ignoreChanges` is listed: Pulumi never diffs it (infra/changeRules.test.ts).
 */
export const REPLACEMENT_PROPERTIES: readonly ReplacementProperty[] = [
  ...armIdentity("azure-native:resources:ResourceGroup", "resourceGroupName"),
  ...armIdentity("azure-native:operationalinsights:Workspace", "resourceGroupName", "workspaceName"),
  ...armIdentity("azure-native:applicationinsights:Component", "resourceGroupName", "resourceName"),
  ...armIdentity("azure-native:keyvault:Vault", "resourceGroupName", "vaultName"),
  ...armIdentity("azure-native:containerservice:ManagedCluster", "resourceGroupName", "resourceName"),
  ...armIdentity("azure-native:network:PrivateEndpoint", "resourceGroupName", "privateEndpointName"),
  ...childIdentity(
    "azure-native:network:PrivateDnsZoneGroup",
    "resourceGroupName",
    "privateEndpointName",
    "privateDnsZoneGroupName",
  ),
  ...armIdentity("azure-native:network:VirtualNetwork", "resourceGroupName", "virtualNetworkName"),
  ...childIdentity("azure-native:network:Subnet", "resourceGroupName", "virtualNetworkName", "subnetName"),
  ...armIdentity("azure-native:network:NatGateway", "resourceGroupName", "natGatewayName"),
  ...armIdentity("azure-native:network:PublicIPPrefix", "resourceGroupName", "publicIpPrefixName"),
  ...childIdentity("azure-native:containerservice:AgentPool", "resourceGroupName", "resourceName", "agentPoolName"),
  ...childIdentity(
    "azure-native:containerservice:MaintenanceConfiguration",
    "resourceGroupName",
    "resourceName",
    "configName",
  ),
  ...armIdentity("azure-native:managedidentity:UserAssignedIdentity", "resourceGroupName", "resourceName"),
  ...childIdentity(
    "azure-native:managedidentity:FederatedIdentityCredential",
    "resourceGroupName",
    "resourceName",
    "federatedIdentityCredentialResourceName",
  ),
  ...armIdentity("azure-native:monitor:DataCollectionRule", "resourceGroupName", "dataCollectionRuleName"),
  ...childIdentity("azure-native:monitor:DataCollectionRuleAssociation", "resourceUri", "associationName"),
  ...childIdentity("azure-native:monitor:DiagnosticSetting", "resourceUri", "name"),
  ...childIdentity("azure-native:authorization:RoleAssignment", "scope", "roleAssignmentName"),
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
  {
    // assignableToRole and types also force a new group, but the program never sets them.
    type: "azuread:index/group:Group",
    property: "mailNickname",
    reason:
      'the azuread provider recreates a group when this changes ("Changing this forces a new resource to be created")',
  },
  // ForceNew in terraform-provider-azuread v3.8.0 (the contracts in plan/semantics/contracts cite the lines): a schedule or a
  // policy that changes group, principal, relationship or role is deleted and requested again.
  ...[
    "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
    "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
  ].flatMap((type) =>
    ["groupId", "principalId", "assignmentType"].map((property) => ({
      type,
      property,
      reason:
        "the azuread provider recreates the schedule when this changes (ForceNew, internal/services/identitygovernance/privileged_access_group_schedule.go)",
    })),
  ),
  ...["groupId", "roleId"].map((property) => ({
    type: "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy",
    property,
    reason:
      "the azuread provider recreates the policy assignment when this changes (ForceNew, internal/services/policies/group_role_management_policy_resource.go)",
  })),
  {
    type: "pulumi:providers:azure-native",
    property: "subscriptionId",
    reason: "the provider is bound to one subscription: a new one means every resource is created again elsewhere",
  },
  ...CREATE_ONLY,
];
