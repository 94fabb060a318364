import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { Provider as EntraProvider } from "@pulumi/azuread/provider";
import * as pulumi from "@pulumi/pulumi";
import { ownerTags, windowUtcOffset, type OwnerEnvironment, type WeeklyWindow } from "../model";
import { agentPoolName, appHostname, containerInsightsRuleName, resourceNames } from "../naming";
import { ROLE_ASSIGNMENTS, type RolePrincipal } from "../roles";
import { AccessGroups } from "./accessGroups";
import { AppIdentity, type AppIdentitySettings } from "./appIdentity";
import { Cluster, type ClusterSettings, type MaintenanceWindowSettings } from "./cluster";
import { ContainerInsights, type ContainerInsightsSettings } from "./containerInsights";
import { environmentContext } from "./context";
import { ControlPlaneIdentity, type ControlPlaneIdentitySettings } from "./controlPlaneIdentity";
import { KeyVault, type CentralDnsZone, type KeyVaultSettings } from "./keyVault";
import { Monitoring, type MonitoringSettings } from "./monitoring";
import { Network, type NetworkComponentSettings } from "./network";
import { RoleAssignments, type RoleAssignmentsSettings } from "./roleAssignments";

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
const PRIVATE_DNS_ZONE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

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

/** The stack outputs, each declared once, here. */
export type StackOutputs = {
  readonly clusterName: pulumi.Output<string>;
  readonly clusterId: pulumi.Output<string>;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  readonly keyVaultUri: pulumi.Output<string>;
  readonly applicationInsightsConnectionString: pulumi.Output<string>;
  readonly developerGroupObjectId: pulumi.Output<string>;
  readonly operationsGroupObjectId: pulumi.Output<string>;
  readonly appHostname: string;
  /** The owner's stable egress range (the NAT gateway's public IP prefix): what third parties allow-list. */
  readonly egressIpRange: pulumi.Output<string | undefined>;
  /** The apps' managed identity: its client id goes in the apps' service account annotation. */
  readonly appIdentityClientId: pulumi.Output<string>;
};

export interface ServiceOwnerEnvironmentArgs {
  readonly target: OwnerEnvironment;
}

/** Everything one Altinn service owner has in one environment, in the owner's own subscription. */
export class ServiceOwnerEnvironment extends pulumi.ComponentResource {
  readonly outputs: StackOutputs;

  constructor(name: string, { target }: ServiceOwnerEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:ServiceOwnerEnvironment", name, {}, opts);
    const settings = stackSettings(target);

    // Explicit providers: an owner stack can only ever touch its own subscription and the platform's tenant (and,
    // for a central private DNS zone, that zone's resource group: see KeyVault).
    const azure = new AzureProvider(
      `${name}-azure`,
      { subscriptionId: settings.subscriptionId, location: settings.location, tenantId: settings.tenantId },
      { parent: this },
    );
    const entra = new EntraProvider(`${name}-entra`, { tenantId: settings.tenantId }, { parent: this });
    const children = { parent: this, providers: [azure, entra] };
    const zone = settings.keyVault.privateEndpoint?.centralZone;
    const centralZoneProvider =
      zone && zone.subscriptionId !== settings.subscriptionId
        ? new AzureProvider(
            `${name}-azure-dns`,
            { subscriptionId: zone.subscriptionId, location: settings.location, tenantId: settings.tenantId },
            { parent: this },
          )
        : undefined;

    const groups = settings.resourceGroups;
    const resourceGroup = ({ name: groupName, adopt }: { name: string; adopt?: string }) =>
      new ResourceGroup(
        groupName,
        { resourceGroupName: groupName, location: groups.location, tags: groups.tags },
        { parent: this, provider: azure, protect: groups.protect, ...(adopt && { import: adopt }) },
      );
    const clusterGroup = resourceGroup(groups.cluster);
    const monitorGroup = resourceGroup(groups.monitor);

    const monitoring = new Monitoring(
      `${name}-monitoring`,
      { settings: settings.monitoring, resourceGroupName: monitorGroup.name },
      children,
    );
    const network = new Network(
      `${name}-network`,
      { settings: settings.network, resourceGroupName: clusterGroup.name },
      children,
    );
    const keyVault = new KeyVault(
      `${name}-keyvault`,
      {
        settings: settings.keyVault,
        resourceGroupName: clusterGroup.name,
        auditWorkspaceId: monitoring.platformWorkspace.id,
        network: {
          virtualNetworkId: network.virtualNetwork.id,
          nodeSubnetId: network.nodeSubnet.id,
          endpointSubnetId: network.endpointSubnet?.id,
        },
        centralZoneProvider,
      },
      children,
    );
    const controlPlane = new ControlPlaneIdentity(
      `${name}-control-plane-identity`,
      { settings: settings.controlPlaneIdentity, resourceGroupName: clusterGroup.name },
      children,
    );
    const controlPlaneRoles = new RoleAssignments(
      `${name}-control-plane-roles`,
      {
        settings: settings.controlPlaneRoles,
        scopes: { nodeSubnet: network.nodeSubnet.id, natGateway: network.natGateway.id },
        principals: { cluster: controlPlane.identity.principalId },
      },
      children,
    );
    const cluster = new Cluster(
      `${name}-cluster`,
      {
        settings: settings.cluster,
        resourceGroupName: clusterGroup.name,
        appWorkspaceId: monitoring.workspace.id,
        platformWorkspaceId: monitoring.platformWorkspace.id,
        nodeSubnetId: network.nodeSubnet.id,
        egressIpRange: network.egressIpRange,
        controlPlane: { identityId: controlPlane.identity.id, roles: controlPlaneRoles.assignments },
      },
      children,
    );
    new ContainerInsights(
      `${name}-container-insights`,
      {
        settings: settings.containerInsights,
        resourceGroupName: clusterGroup.name,
        clusterId: cluster.cluster.id,
        workspaceId: monitoring.workspace.id,
      },
      children,
    );
    const apps = new AppIdentity(
      `${name}-app-identity`,
      { settings: settings.appIdentity, resourceGroupName: clusterGroup.name, oidcIssuerUrl: cluster.oidcIssuerUrl },
      children,
    );
    const access = new AccessGroups(`${name}-access`, { context: environmentContext(target) }, children);
    new RoleAssignments(
      `${name}-access-roles`,
      {
        settings: settings.accessRoles,
        scopes: {
          logAnalyticsWorkspace: monitoring.workspace.id,
          applicationInsights: monitoring.applicationInsights.id,
          keyVault: keyVault.vault.id,
        },
        principals: {
          developer: access.groups.developer.objectId,
          operations: access.groups.operations.objectId,
          apps: apps.identity.principalId,
        },
      },
      children,
    );

    this.outputs = {
      clusterName: cluster.cluster.name,
      clusterId: cluster.cluster.id,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      keyVaultUri: keyVault.vaultUri,
      applicationInsightsConnectionString: pulumi.secret(monitoring.applicationInsights.connectionString),
      developerGroupObjectId: access.groups.developer.objectId,
      operationsGroupObjectId: access.groups.operations.objectId,
      appHostname: settings.appHostname,
      egressIpRange: network.egressIpRange,
      appIdentityClientId: apps.identity.clientId,
    };
    this.registerOutputs({ ...this.outputs });
  }
}
