import type { StackSettings } from "./stackSettings";
import type { ChangeEffect } from "./upstreamReplacements";

/**
 * Day-2 rules: what this program can change on an existing stack, and what it cannot. One table each, used by the
 * program's documentation and by the PR tooling (plan --diff) to refuse a change before it reaches `pulumi up`. The
 * facts they rest on, with their sources, are in infra/upstreamReplacements.ts; infra/changeRules.test.ts checks the
 * rules cover them.
 */

/** A setting of an owner environment that can never change once the stack exists. */
export interface ImmutableStackField {
  /** Where it is set, as an admin would look for it. */
  readonly setting: string;
  /** Its value for one stack, read from the settings the components receive (infra/stackSettings.ts). */
  readonly read: (settings: StackSettings) => unknown;
  /** Why Azure or the program cannot carry the change out. */
  readonly reason: string;
  /** What to do instead. */
  readonly instead: string;
}

export const IMMUTABLE_STACK_FIELDS: readonly ImmutableStackField[] = [
  {
    setting: "stacks/<org>.yaml environments.<env>.subscriptionId",
    read: (settings) => settings.subscriptionId,
    reason:
      "every resource id and role definition id embeds the subscription; resources cannot be moved by a deploy, so the stack would create a second environment and orphan the first",
    instead:
      "create the new environment as a new stack (a decommissioning runbook for the old one), or move the resources with Azure's resource move and then adopt them (docs/operations/adopting-existing-resources.md)",
  },
  {
    setting: "stacks/<org>.yaml environments.<env>.location (or the layer's locations.default)",
    read: (settings) => settings.location,
    reason:
      'ARM moves no resource to another region: azure-native replaces a cluster, network or resource group on a new location, and ARM refuses the update of the others ("InvalidResourceLocation"); the vaults, clusters, workspaces and networks are protected, and the Key Vault name stays taken for 90 days by purge protection',
    instead: "build the new region as a new stack and migrate the apps; decommission the old one",
  },
  {
    setting: "Pulumi.<env>.yaml altinn-apps:tenantId",
    read: (settings) => settings.tenantId,
    reason:
      "the Entra ID groups, the cluster's Entra ID integration, the vault's tenant and every managed identity belong to the tenant; none moves to another",
    instead: "a new tenant is a new platform: new stacks for every owner",
  },
  {
    setting:
      "stacks/<org>.yaml environments.<env>.network.addressSpace / nodeSubnet (or the layer's altinn-apps:network)",
    read: (settings) => [settings.network.addressSpace, settings.network.nodeSubnet],
    reason:
      "every node has an address in the node subnet: Azure refuses to change a subnet's range while it is in use, and the system pool's subnet is fixed when the cluster is created",
    instead:
      "allocate an owner's range before its first deploy (README, Owner network); a later move is a new stack (or a manual migration: add a range and subnet, roll the pools, then update the file)",
  },
  {
    setting: "Pulumi.<env>.yaml altinn-apps:network.egressPrefixLength",
    read: (settings) => settings.network.egressPrefixLength,
    reason:
      "a public IP prefix's length is fixed at creation: a new prefix means new egress addresses, which break every third party's allow-list (and the prefix is protected)",
    instead:
      "add a second prefix to the NAT gateway by a program change, let third parties add it, then remove the old one",
  },
  {
    setting:
      "cluster.systemPoolVmSize, cluster.availabilityZones, cluster.encryptionAtHost (layer altinn-apps:cluster or the owner's environments.<env>.cluster), and the nodes' OS SKU",
    read: ({ cluster: { systemPool } }) => [
      systemPool.vmSize,
      systemPool.availabilityZones,
      systemPool.encryptionAtHost,
      systemPool.osSKU,
    ],
    reason:
      "the system pool lives inline in the cluster, which ignores agentPoolProfiles after creation (Azure refuses pool changes through the cluster): the change would silently not happen for the system pool (the apps pool would roll)",
    instead:
      "add a system pool with the new settings as an AgentPool resource (mode System) in a program change, move the system workloads, delete the old pool with az aks nodepool delete",
  },
];

/**
 * A resource property whose change cannot be an in-place update: azure-native replaces the resource (`replace`), or
 * Azure refuses the update (`refused`); `reason` says why.
 */
export interface ReplacementProperty {
  /** The Pulumi type token, e.g. `azure-native:keyvault:Vault`. */
  readonly type: string;
  /** The input's path, dot-separated (`properties.tenantId`). */
  readonly property: string;
  readonly effect: ChangeEffect;
  readonly reason: string;
}

/**
 * Types whose replacement is refused in every environment, tt02 included, unless the pull request carries an explicit
 * approval (the `replacement-approved` label, `plan --diff --allow-replacement`): a new cluster loses every app and
 * its address, a new vault is impossible for 90 days under the same name, a new workspace loses the logs, a new
 * network every node. They are also protected, so even an approved replacement needs `pulumi state unprotect` first.
 */
export const REPLACEMENT_GUARDED_TYPES: readonly string[] = [
  "azure-native:containerservice:ManagedCluster",
  "azure-native:keyvault:Vault",
  "azure-native:operationalinsights:Workspace",
  "azure-native:network:VirtualNetwork",
];

const PATH_PARAMETER =
  "part of the resource's ARM id (a URL path parameter): azure-native replaces the resource when it changes (pulumi-azure-native#77)";
const REPLACED_LOCATION =
  "azure-native replaces the resource on a new location (replacement.go forceNewMap; ARM's TrackedResource marks location create-only)";
const REFUSED_LOCATION = 'ARM cannot move a resource to another region in place ("InvalidResourceLocation")';
const GLOBAL_LOCATION =
  'create-only (x-ms-mutability [read, create] on TrackedResource.location, privatedns 2024-06-01 privatedns.json:1861); the program always sets "global", where Private DNS lives';

const replace = (type: string, property: string, reason: string): ReplacementProperty => ({
  type,
  property,
  effect: "replace",
  reason,
});
const refused = (type: string, property: string, reason: string): ReplacementProperty => ({
  type,
  property,
  effect: "refused",
  reason,
});

/** The path parameters of a resource that lives inside another (a pool, a subnet, an extension resource). */
function childIdentity(type: string, ...pathParameters: string[]): ReplacementProperty[] {
  return pathParameters.map((property) => replace(type, property, PATH_PARAMETER));
}

/** The path parameters and the location of one azure-native resource type with a region of its own. */
function armIdentity(
  type: string,
  location: "replaced" | "refused",
  ...pathParameters: string[]
): ReplacementProperty[] {
  return [
    ...childIdentity(type, ...pathParameters),
    location === "replaced"
      ? replace(type, "location", REPLACED_LOCATION)
      : refused(type, "location", REFUSED_LOCATION),
  ];
}

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const VAULT = "azure-native:keyvault:Vault";
const NETWORK_PROFILE_REASON =
  "fixed when the cluster is created: azure-native replaces the cluster on any change (replacement.go, pulumi-azure-native issues 959 and 4756); AKS migrates some of these one way only (az aks update), never by a deploy";

/**
 * Only the resource types this program registers; a property not listed is updated in place. A rule covers what lies
 * below its path. Nothing under a resource's `ignoreChanges` is listed: Pulumi never diffs it (infra/changeRules.test.ts).
 */
export const REPLACEMENT_PROPERTIES: readonly ReplacementProperty[] = [
  ...armIdentity("azure-native:resources:ResourceGroup", "replaced", "resourceGroupName"),
  ...armIdentity("azure-native:operationalinsights:Workspace", "refused", "resourceGroupName", "workspaceName"),
  ...armIdentity("azure-native:applicationinsights:Component", "refused", "resourceGroupName", "resourceName"),
  replace(
    "azure-native:applicationinsights:Component",
    "applicationType",
    "Application_Type is create-only (x-ms-mutability [create, read], Microsoft.Insights 2020-02-02): azure-native replaces the component",
  ),
  ...armIdentity(VAULT, "refused", "resourceGroupName", "vaultName"),
  refused(
    VAULT,
    "properties.enablePurgeProtection",
    "purge protection cannot be switched off once on (Key Vault 2024-11-01: the property does not accept false)",
  ),
  refused(VAULT, "properties.enableSoftDelete", "soft delete cannot be switched off once on (Key Vault 2024-11-01)"),
  refused(
    VAULT,
    "properties.softDeleteRetentionInDays",
    "the soft-delete retention is fixed when the vault is created (learn.microsoft.com/azure/key-vault/general/soft-delete-overview)",
  ),
  ...armIdentity(CLUSTER, "replaced", "resourceGroupName", "resourceName"),
  replace(
    CLUSTER,
    "dnsPrefix",
    "AKS cannot change a cluster's DNS prefix (the API server's FQDN): azure-native replaces it",
  ),
  replace(
    CLUSTER,
    "nodeResourceGroup",
    "AKS creates the node resource group with the cluster: azure-native replaces it",
  ),
  // Every field the program sets, one by one, so the diff names the one that changed.
  ...[
    "networkPlugin",
    "networkPluginMode",
    "networkDataplane",
    "networkPolicy",
    "podCidr",
    "serviceCidr",
    "dnsServiceIP",
    "loadBalancerSku",
    "outboundType",
  ].map((leaf) => replace(CLUSTER, `networkProfile.${leaf}`, NETWORK_PROFILE_REASON)),
  refused(
    CLUSTER,
    "oidcIssuerProfile.enabled",
    "AKS cannot disable an OIDC issuer once enabled (learn.microsoft.com/azure/aks/use-oidc-issuer)",
  ),
  refused(
    CLUSTER,
    "aadProfile.managed",
    "AKS cannot disable its managed Entra ID integration once enabled (learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id)",
  ),
  ...armIdentity("azure-native:network:PrivateEndpoint", "refused", "resourceGroupName", "privateEndpointName"),
  replace(
    "azure-native:network:PrivateEndpoint",
    "subnet",
    "a private endpoint cannot move to another subnet: azure-native replaces it (replacement.go, pulumi-azure-native issue 3883)",
  ),
  ...childIdentity(
    "azure-native:network:PrivateDnsZoneGroup",
    "resourceGroupName",
    "privateEndpointName",
    "privateDnsZoneGroupName",
  ),
  ...childIdentity("azure-native:privatedns:PrivateZone", "resourceGroupName", "privateZoneName"),
  refused("azure-native:privatedns:PrivateZone", "location", GLOBAL_LOCATION),
  ...childIdentity(
    "azure-native:privatedns:VirtualNetworkLink",
    "resourceGroupName",
    "privateZoneName",
    "virtualNetworkLinkName",
  ),
  refused("azure-native:privatedns:VirtualNetworkLink", "location", GLOBAL_LOCATION),
  ...armIdentity("azure-native:network:VirtualNetwork", "replaced", "resourceGroupName", "virtualNetworkName"),
  ...childIdentity("azure-native:network:Subnet", "resourceGroupName", "virtualNetworkName", "subnetName"),
  ...armIdentity("azure-native:network:NatGateway", "refused", "resourceGroupName", "natGatewayName"),
  ...armIdentity("azure-native:network:PublicIPPrefix", "refused", "resourceGroupName", "publicIpPrefixName"),
  ...["prefixLength", "publicIPAddressVersion", "sku"].map((property) =>
    refused(
      "azure-native:network:PublicIPPrefix",
      property,
      "fixed when the prefix is allocated: a new prefix means new egress addresses",
    ),
  ),
  ...childIdentity(POOL, "resourceGroupName", "resourceName", "agentPoolName"),
  replace(POOL, "vmSize", "AKS cannot resize a pool's scale set: azure-native replaces the pool (replacement.go)"),
  ...["availabilityZones", "osSKU", "enableEncryptionAtHost", "vnetSubnetID"].map((property) =>
    replace(
      POOL,
      property,
      "fixed when AKS creates the pool's scale set: the pool's name is derived from it (infra/naming.ts agentPoolName), so a change rolls a new pool",
    ),
  ),
  ...childIdentity(
    "azure-native:containerservice:MaintenanceConfiguration",
    "resourceGroupName",
    "resourceName",
    "configName",
  ),
  ...armIdentity("azure-native:managedidentity:UserAssignedIdentity", "refused", "resourceGroupName", "resourceName"),
  ...childIdentity(
    "azure-native:managedidentity:FederatedIdentityCredential",
    "resourceGroupName",
    "resourceName",
    "federatedIdentityCredentialResourceName",
  ),
  ...armIdentity("azure-native:monitor:DataCollectionRule", "refused", "resourceGroupName", "dataCollectionRuleName"),
  ...childIdentity("azure-native:monitor:DataCollectionRuleAssociation", "resourceUri", "associationName"),
  ...childIdentity("azure-native:monitor:DiagnosticSetting", "resourceUri", "name"),
  ...childIdentity("azure-native:authorization:RoleAssignment", "scope", "roleAssignmentName"),
  replace(
    "azure-native:authorization:RoleAssignment",
    "principalId",
    "azure-native replaces a role assignment for another principal (replacement.go)",
  ),
  ...["roleDefinitionId", "principalType"].map((property) =>
    refused(
      "azure-native:authorization:RoleAssignment",
      property,
      "ARM refuses to update a role assignment (RoleAssignmentUpdateNotPermitted); its name is derived from scope, role and principal, so the program's own changes are new assignments",
    ),
  ),
  replace(
    "azuread:index/group:Group",
    "mailNickname",
    'the azuread provider recreates a group when this changes ("Changing this forces a new resource to be created")',
  ),
  ...[
    "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
    "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
  ].flatMap((type) =>
    ["groupId", "principalId", "assignmentType"].map((property) =>
      replace(
        type,
        property,
        "the azuread provider recreates a schedule for another group, principal or type (ForceNew)",
      ),
    ),
  ),
  ...["groupId", "roleId"].map((property) =>
    replace(
      "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy",
      property,
      "the azuread provider recreates the policy assignment when this changes (ForceNew, internal/services/policies/group_role_management_policy_resource.go)",
    ),
  ),
  replace(
    "pulumi:providers:azure-native",
    "subscriptionId",
    "the provider is bound to one subscription: a new one means every resource is created again elsewhere",
  ),
];
