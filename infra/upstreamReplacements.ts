/**
 * What the providers and Azure say about changing a property of an existing resource, per resource type this program
 * registers: the facts infra/changeRules.ts must cover (infra/changeRules.test.ts checks it). Kept apart from the
 * rules, as raw facts with their sources, so they can be checked against machine-read contracts of the same specs.
 *
 * - `replace`: the provider deletes and creates the resource (Pulumi's replace).
 * - `refused`: the provider sends an update, and Azure or Entra ID refuses it.
 */

/** The change a fact describes. */
export type ChangeEffect = "replace" | "refused";

export interface UpstreamFact {
  /** A dot path of an input; a fact covers every input below it. */
  readonly property: string;
  readonly effect: ChangeEffect;
  readonly source: string;
}

/**
 * pulumi/pulumi-azure-native provider/pkg/gen/replacement.go (forceNewMap). Two stored versions were read, and which of
 * them @pulumi/azure-native 3.28.0 was built from could not be settled here (no tag in the index): the older marks the
 * whole ManagedCluster `networkProfile` force-new; the newer (PR 4771, fixing issue 4756, merged 2026-07-16, after the
 * 3.20 the issue reproduced on) lists only its immutable leaves. The rules follow the union: conservative.
 */
const REPLACEMENT_GO = {
  older: "pulumi/pulumi-azure-native@f8d3054ad7a51690d78c6418a507ecd0a97bf847 provider/pkg/gen/replacement.go",
  newer: "pulumi/pulumi-azure-native@1b7112af33c62b247daed1028686bf279f4d5e69 provider/pkg/gen/replacement.go",
} as const;

/** ARM's create-only marks and documented one-way settings, at the API versions the SDK's .d.ts names. */
const SPEC = {
  aks: "Azure/azure-rest-api-specs specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-09-01/managedClusters.json",
  trackedResourceV5:
    "Azure/azure-rest-api-specs specification/common-types/resource-management/v5/types.json TrackedResource.location x-ms-mutability [read, create]",
  insights:
    "Azure/azure-rest-api-specs specification/applicationinsights/resource-manager/Microsoft.Insights/stable/2020-02-02/components_API.json",
  keyVault:
    "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json",
} as const;

const replace = (property: string, source: string): UpstreamFact => ({ property, effect: "replace", source });
const refused = (property: string, source: string): UpstreamFact => ({ property, effect: "refused", source });

/** Every type this program registers, with what its provider replaces and what Azure refuses (path parameters apart). */
export const UPSTREAM_FACTS: Readonly<Record<string, readonly UpstreamFact[]>> = {
  "azure-native:resources:ResourceGroup": [replace("location", REPLACEMENT_GO.newer)],
  "azure-native:operationalinsights:Workspace": [],
  "azure-native:applicationinsights:Component": [
    replace("applicationType", `${SPEC.insights} Application_Type x-ms-mutability [create, read]`),
  ],
  "azure-native:keyvault:Vault": [
    refused(
      "properties.enablePurgeProtection",
      `${SPEC.keyVault} enablePurgeProtection: "Enabling this functionality is irreversible - that is, the property does not accept false as its value"`,
    ),
    refused(
      "properties.enableSoftDelete",
      `${SPEC.keyVault} enableSoftDelete: "Once set to true, it cannot be reverted to false"`,
    ),
    refused(
      "properties.softDeleteRetentionInDays",
      "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview (the retention period is set when the vault is created)",
    ),
  ],
  "azure-native:containerservice:ManagedCluster": [
    replace("location", `${REPLACEMENT_GO.newer}; ${SPEC.trackedResourceV5}`),
    replace(
      "dnsPrefix",
      `${REPLACEMENT_GO.newer}; ${SPEC.aks} "This cannot be updated once the Managed Cluster has been created"`,
    ),
    replace("nodeResourceGroup", REPLACEMENT_GO.newer),
    replace("networkProfile", `${REPLACEMENT_GO.older} (the whole networkProfile)`),
    ...[
      "serviceCidr",
      "serviceCidrs",
      "dnsServiceIP",
      "networkMode",
      "networkPlugin",
      "networkPluginMode",
      "podCidr",
      "networkDataplane",
      "networkPolicy",
      "outboundType",
    ].map((leaf) => replace(`networkProfile.${leaf}`, REPLACEMENT_GO.newer)),
    refused(
      "oidcIssuerProfile.enabled",
      "https://learn.microsoft.com/azure/aks/use-oidc-issuer (an enabled OIDC issuer cannot be disabled)",
    ),
    refused(
      "aadProfile.managed",
      "https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id (AKS-managed Entra integration cannot be disabled)",
    ),
  ],
  "azure-native:containerservice:AgentPool": [
    replace("vmSize", REPLACEMENT_GO.newer),
    replace("gpuInstanceProfile", REPLACEMENT_GO.newer),
    replace("networkProfile.nodePublicIPTags", REPLACEMENT_GO.newer),
  ],
  "azure-native:containerservice:MaintenanceConfiguration": [],
  "azure-native:network:VirtualNetwork": [replace("location", REPLACEMENT_GO.newer)],
  "azure-native:network:Subnet": [],
  "azure-native:network:NatGateway": [],
  "azure-native:network:PublicIPPrefix": [],
  "azure-native:network:PrivateEndpoint": [
    replace("subnet", `${REPLACEMENT_GO.newer} (pulumi-azure-native issue 3883)`),
  ],
  "azure-native:network:PrivateDnsZoneGroup": [],
  "azure-native:privatedns:PrivateZone": [],
  "azure-native:privatedns:VirtualNetworkLink": [],
  "azure-native:managedidentity:UserAssignedIdentity": [],
  "azure-native:managedidentity:FederatedIdentityCredential": [],
  "azure-native:monitor:DataCollectionRule": [],
  "azure-native:monitor:DataCollectionRuleAssociation": [],
  "azure-native:monitor:DiagnosticSetting": [],
  "azure-native:authorization:RoleAssignment": [
    replace("principalId", REPLACEMENT_GO.newer),
    replace("scope", REPLACEMENT_GO.newer),
  ],
  "azuread:index/group:Group": [
    replace("mailNickname", '@pulumi/azuread 6.9.1 group.d.ts: "Changing this forces a new resource to be created"'),
  ],
  "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy": [],
  ...Object.fromEntries(
    [
      "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
      "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
    ].map((type) => [
      type,
      ["groupId", "principalId", "assignmentType"].map((property) =>
        replace(
          property,
          "hashicorp/terraform-provider-azuread@0ad2f778aadaf9bc9c1f6bc9120ed1a36baf4541 internal/services/identitygovernance/privileged_access_group_schedule.go (ForceNew)",
        ),
      ),
    ]),
  ),
  "pulumi:providers:azure-native": [],
  "pulumi:providers:azuread": [],
};
