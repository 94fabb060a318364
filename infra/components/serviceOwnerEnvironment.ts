import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { Provider as EntraProvider } from "@pulumi/azuread/provider";
import * as pulumi from "@pulumi/pulumi";
import { accessPolicy, ownerFilePath, pimSchedules, ROLES, type OwnerEnvironment, type RoleName } from "../model";
import { accessGroupNames, appHostname, privilegedAccessScheduleName } from "../naming";
import { AccessGroups, type AccessGroupsArgs, type RoleAccess } from "./accessGroups";
import { Cluster } from "./cluster";
import { environmentContext } from "./context";
import { Identities } from "./identities";
import { KeyVault } from "./keyVault";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { RoleAssignments } from "./roleAssignments";

export interface ServiceOwnerEnvironmentArgs {
  readonly target: OwnerEnvironment;
  /** The instant of the run (ms): which PIM schedules are still live (an offline plan: the start of its day). */
  readonly now: number;
}

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
      name: privilegedAccessScheduleName(org, environment, role, schedule.user),
    }));
    const justInTime = policy.justInTime?.roles.includes(role) ? policy.justInTime : undefined;
    return { names, pim: { justInTime, schedules } };
  };
  return {
    roles: Object.fromEntries(ROLES.map((role) => [role, roleAccess(role)])) as Record<RoleName, RoleAccess>,
    owners: layer.groupOwnerObjectIds,
    grantsFrom: { ownerFile, environment },
  };
}

/** Everything one Altinn service owner has in one environment, in the owner's own subscription. */
export class ServiceOwnerEnvironment extends pulumi.ComponentResource {
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

  constructor(name: string, { target, now }: ServiceOwnerEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:ServiceOwnerEnvironment", name, {}, opts);
    const context = environmentContext(target);
    const { names, tags } = context;

    // Explicit providers: an owner stack can only ever touch its own subscription and the platform's tenant.
    const azure = new AzureProvider(
      `${name}-azure`,
      { subscriptionId: target.subscriptionId, location: target.location, tenantId: target.layer.tenantId },
      { parent: this },
    );
    const entra = new EntraProvider(`${name}-entra`, { tenantId: target.layer.tenantId }, { parent: this });
    const children = { parent: this, providers: [azure, entra] };

    const resourceGroup = (groupName: string) =>
      new ResourceGroup(
        groupName,
        { resourceGroupName: groupName, location: target.location, tags },
        { parent: this, provider: azure, protect: context.protectStateful },
      );
    const clusterGroup = resourceGroup(names.clusterResourceGroup);
    const monitorGroup = resourceGroup(names.monitorResourceGroup);

    const monitoring = new Monitoring(
      `${name}-monitoring`,
      { context, resourceGroupName: monitorGroup.name },
      children,
    );
    const workspaceId = monitoring.workspace.id;
    const network = new Network(`${name}-network`, { context, resourceGroupName: clusterGroup.name }, children);
    const keyVault = new KeyVault(
      `${name}-keyvault`,
      {
        context,
        resourceGroupName: clusterGroup.name,
        workspaceId,
        network: {
          virtualNetworkId: network.virtualNetwork.id,
          nodeSubnetId: network.nodeSubnet.id,
          endpointSubnetId: network.endpointSubnet?.id,
        },
      },
      children,
    );
    const identities = new Identities(
      `${name}-identities`,
      { context, resourceGroupName: clusterGroup.name },
      children,
    );
    const access = new AccessGroups(`${name}-access`, accessGroupsArgs(target, now), children);

    const roles = new RoleAssignments(
      `${name}-roles`,
      {
        context,
        scopes: {
          logAnalyticsWorkspace: workspaceId,
          applicationInsights: monitoring.applicationInsights.id,
          keyVault: keyVault.vault.id,
          nodeSubnet: network.nodeSubnet.id,
        },
        principals: {
          developer: access.groups.developer.objectId,
          operations: access.groups.operations.objectId,
          apps: identities.apps.principalId,
          cluster: identities.cluster.principalId,
        },
      },
      children,
    );

    const cluster = new Cluster(
      `${name}-cluster`,
      {
        context,
        resourceGroupName: clusterGroup.name,
        workspaceId,
        nodeSubnetId: network.nodeSubnet.id,
        controlPlane: { identityId: identities.cluster.id, roles: roles.of("cluster") },
        appIdentity: { name: identities.apps.name, resourceGroupName: clusterGroup.name },
      },
      children,
    );

    this.clusterName = cluster.cluster.name;
    this.clusterId = cluster.cluster.id;
    this.oidcIssuerUrl = cluster.oidcIssuerUrl;
    this.keyVaultUri = keyVault.vaultUri;
    this.applicationInsightsConnectionString = pulumi.secret(monitoring.applicationInsights.connectionString);
    this.developerGroupObjectId = access.groups.developer.objectId;
    this.operationsGroupObjectId = access.groups.operations.objectId;
    this.appHostname = appHostname(target.org, target.layer.appDnsBase);
    this.egressIpRange = network.egressIpRange;
    this.appIdentityClientId = identities.apps.clientId;

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      oidcIssuerUrl: this.oidcIssuerUrl,
      keyVaultUri: this.keyVaultUri,
      applicationInsightsConnectionString: this.applicationInsightsConnectionString,
      developerGroupObjectId: this.developerGroupObjectId,
      operationsGroupObjectId: this.operationsGroupObjectId,
      appHostname: this.appHostname,
      egressIpRange: this.egressIpRange,
      appIdentityClientId: this.appIdentityClientId,
    });
  }
}
