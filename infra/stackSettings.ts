import type { AppIdentitySettings } from "./components/appIdentity";
import type { ClusterSettings, MaintenanceWindowSettings } from "./components/cluster";
import type { ContainerInsightsSettings } from "./components/containerInsights";
import type { ControlPlaneIdentitySettings } from "./components/controlPlaneIdentity";
import type { CentralDnsZone, KeyVaultSettings } from "./components/keyVault";
import type { MonitoringSettings } from "./components/monitoring";
import type { NetworkComponentSettings } from "./components/network";
import type { RoleAssignmentsSettings } from "./components/roleAssignments";
import { ownerTags } from "./model/stackName";
import { windowUtcOffset, type WeeklyWindow } from "./model/maintenance";
import type { OwnerEnvironment } from "./model/ownerEnvironment";
import { agentPoolName, appHostname, containerInsightsRuleName, resourceNames } from "./naming";
import { ROLE_ASSIGNMENTS, type RolePrincipal } from "./roles";

/** The OS every pool runs (Altinn's clusters run Azure Linux); fixed for the inline system pool once created. */
const NODE_OS_SKU = "AzureLinux";
/** Soft-deleted vaults are kept this long; fixed when the vault is created (docs/design/azure-decisions.md). */
const SOFT_DELETE_RETENTION_DAYS = 90;
/**
 * Azure CNI overlay with Cilium, egress through the owner's NAT gateway; pod and service ranges are AKS's documented
 * defaults (learn.microsoft.com/azure/aks/azure-cni-overlay), outside every owner network (10.120.0.0/13).
 */
const CLUSTER_NETWORK = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  networkDataplane: "cilium",
  networkPolicy: "cilium",
  podCidr: "10.244.0.0/16",
  serviceCidr: "10.0.0.0/16",
  dnsServiceIP: "10.0.0.10",
  loadBalancerSku: "standard",
  outboundType: "userAssignedNATGateway",
} as const;
const PRIVATE_DNS_ZONE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

/** A central zone's id, by its parts (the layer's schema has checked it is a resource id). */
function centralZone(id: string | undefined): CentralDnsZone | undefined {
  const match = id === undefined ? null : PRIVATE_DNS_ZONE_ID.exec(id);
  if (!id || !match) return undefined;
  const [, subscriptionId = "", resourceGroupName = "", zoneName = ""] = match;
  return { id, subscriptionId: subscriptionId.toLowerCase(), resourceGroupName, zoneName };
}

/**
 * What each component of one owner environment receives: its names, its settings, tags and protection, filled in
 * here and nowhere else. The day-2 tables (infra/changeRules.ts) read the same settings.
 */
export function stackSettings(target: OwnerEnvironment) {
  const { org, environment, layer, location, cluster, network, adopt } = target;
  const names = resourceNames(org, environment);
  const tags = ownerTags(org, environment);
  // Protected in both environments: what a replacement would destroy (a cluster, a vault, logs, a network and its
  // egress addresses). Resource groups hold only these, and are protected in prod as before.
  const protect = true;
  const window = (settings: WeeklyWindow): MaintenanceWindowSettings => ({
    dayOfWeek: settings.dayOfWeek,
    startTime: settings.startTime,
    durationHours: settings.durationHours,
    utcOffset: windowUtcOffset(settings, target.today),
  });
  const pool = (vmSize: string) => ({
    vmSize,
    availabilityZones: cluster.availabilityZones,
    osSKU: NODE_OS_SKU,
    encryptionAtHost: cluster.encryptionAtHost,
    minNodes: cluster.minNodes,
    maxNodes: cluster.maxNodes,
  });
  const appsCreation = { ...pool(cluster.userPoolVmSize), enableEncryptionAtHost: cluster.encryptionAtHost };
  const privateEndpoint = layer.keyVaultPrivateEndpoint;
  const roles = (principals: readonly RolePrincipal[]): RoleAssignmentsSettings => ({
    org,
    environment,
    subscriptionId: target.subscriptionId,
    rules: ROLE_ASSIGNMENTS.filter((rule) => principals.includes(rule.principal)),
  });
  return {
    subscriptionId: target.subscriptionId,
    tenantId: layer.tenantId,
    location,
    resourceGroups: {
      cluster: { name: names.clusterResourceGroup, adopt: adopt.clusterResourceGroup },
      monitor: { name: names.monitorResourceGroup, adopt: adopt.monitorResourceGroup },
      location,
      tags,
      protect: environment === "prod",
    },
    monitoring: {
      names,
      location,
      tags,
      protect,
      retentionDays: layer.logRetentionDays,
      publicNetworkAccess: layer.monitoringPublicNetworkAccess,
      adopt: { workspace: adopt.logAnalyticsWorkspace, applicationInsights: adopt.applicationInsights },
    } satisfies MonitoringSettings,
    network: {
      names,
      location,
      tags,
      protect,
      addressSpace: network.addressSpace,
      nodeSubnet: network.nodeSubnet,
      endpointSubnet: privateEndpoint && !privateEndpoint.subnetId ? network.endpointSubnet : undefined,
      egressPrefixLength: network.egressPrefixLength,
    } satisfies NetworkComponentSettings,
    keyVault: {
      names,
      location,
      tags,
      protect,
      tenantId: layer.tenantId,
      allowedIpRanges: layer.keyVaultAllowedIpRanges,
      recover: target.recoverKeyVault,
      softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
      adopt: adopt.keyVault,
      privateEndpoint: privateEndpoint && {
        ...(privateEndpoint.subnetId && { subnetId: privateEndpoint.subnetId }),
        ...(centralZone(privateEndpoint.privateDnsZoneId) && {
          centralZone: centralZone(privateEndpoint.privateDnsZoneId),
        }),
      },
    } satisfies KeyVaultSettings,
    controlPlaneIdentity: { name: names.clusterIdentity, location, tags } satisfies ControlPlaneIdentitySettings,
    controlPlaneRoles: roles(["cluster"]),
    cluster: {
      names,
      location,
      tags,
      protect,
      tenantId: layer.tenantId,
      adminGroupObjectIds: [layer.platformAdminGroupObjectId],
      kubernetesVersion: cluster.kubernetesVersion,
      skuTier: cluster.skuTier,
      nodeOsUpgradeChannel: cluster.nodeOsUpgradeChannel,
      apiServerAuthorizedIpRanges: layer.apiServerAuthorizedIpRanges,
      network: CLUSTER_NETWORK,
      systemPool: { name: names.systemPool, ...pool(cluster.systemPoolVmSize) },
      appsPool: {
        name: agentPoolName("apps", { ...appsCreation, subnet: network.nodeSubnet }),
        ...pool(cluster.userPoolVmSize),
      },
      maintenance: {
        clusterUpgrade: window(layer.maintenance.clusterUpgrade),
        nodeOsUpgrade: window(layer.maintenance.nodeOsUpgrade),
      },
      adopt: adopt.managedCluster,
    } satisfies ClusterSettings,
    containerInsights: {
      ruleName: containerInsightsRuleName(location, names.managedCluster),
      associationName: `${names.managedCluster}-container-insights`,
      location,
      tags,
    } satisfies ContainerInsightsSettings,
    appIdentity: {
      identityName: names.appIdentity,
      credentialName: names.appFederatedCredential,
      location,
      tags,
      serviceAccount: layer.appServiceAccount,
    } satisfies AppIdentitySettings,
    accessRoles: roles(["developer", "operations", "apps"]),
    appHostname: appHostname(org, layer.appDnsBase),
  };
}
export type StackSettings = ReturnType<typeof stackSettings>;
