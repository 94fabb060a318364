import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { Provider as EntraProvider } from "@pulumi/azuread/provider";
import * as pulumi from "@pulumi/pulumi";
import { accessPolicy, pimSchedules } from "../model/access";
import { ownerFilePath } from "../model/fleet";
import { ROLES, type RoleName } from "../model/schema";
import type { OwnerEnvironment } from "../model/ownerEnvironment";
import { accessGroupNames, privilegedScheduleName } from "../naming";
import { stackSettings } from "../stackSettings";
import { AccessGroups, type AccessGroupsArgs, type RoleAccess } from "./accessGroups";
import { AppIdentity } from "./appIdentity";
import { Cluster } from "./cluster";
import { ContainerInsights } from "./containerInsights";
import { ControlPlaneIdentity } from "./controlPlaneIdentity";
import { KeyVault } from "./keyVault";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { RoleAssignments } from "./roleAssignments";

/** The Entra ID groups' settings, from the owner's grants and the layer's access policy. */
function accessGroupsArgs(target: OwnerEnvironment, now: number): AccessGroupsArgs {
  const { org, environment, layer, activeGrants } = target;
  const policy = accessPolicy(layer);
  const ownerFile = ownerFilePath(org);
  const roleAccess = (role: RoleName): RoleAccess => {
    const names = accessGroupNames(org, environment, role);
    const grants = activeGrants.filter((grant) => grant.role === role);
    if (policy.model === "membership") return { names, members: grants.map((grant) => grant.user) };
    const schedules = pimSchedules(grants, policy, { ownerFile, now }).map((schedule) => ({
      ...schedule,
      name: privilegedScheduleName(org, environment, role, schedule.user),
    }));
    const justInTime = policy.justInTime?.roles.includes(role) ? policy.justInTime : undefined;
    return { names, pim: { justInTime, schedules } };
  };
  return {
    adopt: { developer: target.adopt.developerGroup, operations: target.adopt.operationsGroup },
    roles: Object.fromEntries(ROLES.map((role) => [role, roleAccess(role)])) as Record<RoleName, RoleAccess>,
    owners: layer.groupOwnerObjectIds,
    grantsFrom: { ownerFile, environment },
  };
}

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
  /** The instant of the run (ms): which PIM schedules are still live (an offline plan: the start of its day). */
  readonly now: number;
}

/** Everything one Altinn service owner has in one environment, in the owner's own subscription. */
export class ServiceOwnerEnvironment extends pulumi.ComponentResource {
  readonly outputs: StackOutputs;

  constructor(name: string, { target, now }: ServiceOwnerEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
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
    const access = new AccessGroups(`${name}-access`, accessGroupsArgs(target, now), children);
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
