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

const NAMED_BY_PATH =
  "part of the resource's ARM id (its name or its parent's): a change is a different resource, so Pulumi replaces it";
const LOCATION = "a resource cannot move between regions: azure-native replaces it";

/** The inputs that form each resource's ARM id, and whether it has a region of its own. */
const IDENTITY_INPUTS: Readonly<Record<string, { readonly path: readonly string[]; readonly location: boolean }>> = {
  "azure-native:resources:ResourceGroup": { path: ["resourceGroupName"], location: true },
  "azure-native:operationalinsights:Workspace": { path: ["resourceGroupName", "workspaceName"], location: true },
  "azure-native:applicationinsights:Component": { path: ["resourceGroupName", "resourceName"], location: true },
  "azure-native:keyvault:Vault": { path: ["resourceGroupName", "vaultName"], location: true },
  "azure-native:containerservice:ManagedCluster": { path: ["resourceGroupName", "resourceName"], location: true },
  "azure-native:containerservice:AgentPool": {
    path: ["resourceGroupName", "resourceName", "agentPoolName"],
    location: false,
  },
  "azure-native:containerservice:MaintenanceConfiguration": {
    path: ["resourceGroupName", "resourceName", "configName"],
    location: false,
  },
  "azure-native:network:VirtualNetwork": { path: ["resourceGroupName", "virtualNetworkName"], location: true },
  "azure-native:network:Subnet": { path: ["resourceGroupName", "virtualNetworkName", "subnetName"], location: false },
  "azure-native:network:NatGateway": { path: ["resourceGroupName", "natGatewayName"], location: true },
  "azure-native:network:PublicIPPrefix": { path: ["resourceGroupName", "publicIpPrefixName"], location: true },
  "azure-native:managedidentity:UserAssignedIdentity": { path: ["resourceGroupName", "resourceName"], location: true },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    path: ["resourceGroupName", "resourceName", "federatedIdentityCredentialResourceName"],
    location: false,
  },
  "azure-native:monitor:DataCollectionRule": { path: ["resourceGroupName", "dataCollectionRuleName"], location: true },
  "azure-native:monitor:DataCollectionRuleAssociation": { path: ["resourceUri", "associationName"], location: false },
  "azure-native:monitor:DiagnosticSetting": { path: ["resourceUri", "name"], location: false },
  "azure-native:authorization:RoleAssignment": { path: ["scope", "roleAssignmentName"], location: false },
};

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
  ...["dnsPrefix", "nodeResourceGroup"].map((property) => ({
    type: "azure-native:containerservice:ManagedCluster",
    property,
    reason: "fixed when AKS creates the cluster",
  })),
  ...["prefixLength", "publicIPAddressVersion", "sku"].map((property) => ({
    type: "azure-native:network:PublicIPPrefix",
    property,
    reason: "fixed when the prefix is allocated: a new prefix means new egress addresses",
  })),
];

export const REPLACEMENT_PROPERTIES: readonly ReplacementProperty[] = [
  ...Object.entries(IDENTITY_INPUTS).flatMap(([type, { path, location }]) => [
    ...path.map((property) => ({ type, property, reason: NAMED_BY_PATH })),
    ...(location ? [{ type, property: "location", reason: LOCATION }] : []),
  ]),
  ...CREATE_ONLY,
];
