import { describe, expect, it } from "vitest";
import { runComponent, the, type ComponentResource } from "../../test/support/component";
import { resourceNames } from "../naming";
import { ROLE_ASSIGNMENTS } from "../roles";
import { AppIdentity, type AppIdentitySettings } from "./appIdentity";
import { Cluster, type ClusterSettings } from "./cluster";
import { ContainerInsights, type ContainerInsightsSettings } from "./containerInsights";
import { ControlPlaneIdentity } from "./controlPlaneIdentity";
import { KeyVault, type KeyVaultSettings } from "./keyVault";
import { Monitoring, type MonitoringSettings } from "./monitoring";
import { Network, type NetworkComponentSettings } from "./network";
import { RoleAssignments } from "./roleAssignments";

// Each component alone, on a small typed fixture of the settings it receives (infra/stackSettings.ts fills them for a
// real stack); each case changes one field.

/** What the component registered; an error in its outputs fails the test. */
async function registeredBy(build: () => void): Promise<readonly ComponentResource[]> {
  const { resources, error } = await runComponent(build);
  expect(error).toBeUndefined();
  return resources;
}

const names = resourceNames("unit", "tt02");
const tags = { "altinn:owner": "unit", "altinn:environment": "tt02", "managed-by": "pulumi" };
const place = { location: "norwayeast", tags, protect: true };
const RG = "altinnapps-unit-tt02-rg";
const SUBNET = `/subscriptions/s/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/unit-tt02-vnet/subnets/Nodes`;

const monitoring: MonitoringSettings = {
  ...place,
  names,
  retentionDays: 30,
  publicNetworkAccess: { ingestion: "Enabled", query: "Enabled" },
  adopt: {},
};
const network: NetworkComponentSettings = {
  ...place,
  names,
  addressSpace: "10.120.0.0/22",
  nodeSubnet: "10.120.0.0/23",
  endpointSubnet: undefined,
  egressPrefixLength: 31,
};
const keyVault: KeyVaultSettings = {
  ...place,
  names,
  tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01",
  allowedIpRanges: ["192.0.2.0/24"],
  recover: false,
  softDeleteRetentionInDays: 90,
  adopt: undefined,
  privateEndpoint: undefined,
};
const pool = {
  vmSize: "Standard_D4s_v5",
  availabilityZones: [],
  osSKU: "AzureLinux",
  encryptionAtHost: true,
  minNodes: 3,
  maxNodes: 6,
};
const window = { dayOfWeek: "Monday", startTime: "22:00", durationHours: 4, utcOffset: "+01:00" };
const cluster: ClusterSettings = {
  ...place,
  names,
  tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01",
  adminGroupObjectIds: ["5b0f2d4e-7c1a-4e8b-9f3d-2a6c8e1b4d02"],
  kubernetesVersion: "1.33",
  skuTier: "Free",
  nodeOsUpgradeChannel: "NodeImage",
  apiServerAuthorizedIpRanges: ["192.0.2.0/24"],
  network: {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    networkPolicy: "cilium",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    loadBalancerSku: "standard",
    outboundType: "userAssignedNATGateway",
  },
  systemPool: { name: "system", ...pool },
  appsPool: { name: "apps123abc", ...pool },
  maintenance: { clusterUpgrade: window, nodeOsUpgrade: { ...window, dayOfWeek: "Tuesday", utcOffset: "+02:00" } },
  adopt: undefined,
};
const containerInsights: ContainerInsightsSettings = {
  ruleName: "MSCI-norwayeast-unit-tt02-aks",
  associationName: "unit-tt02-aks-container-insights",
  location: "norwayeast",
  tags,
};
const appIdentity: AppIdentitySettings = {
  identityName: names.appIdentity,
  credentialName: names.appFederatedCredential,
  location: "norwayeast",
  tags,
  serviceAccount: { namespace: "apps", name: "altinn-apps" },
};

const T = {
  workspace: "azure-native:operationalinsights:Workspace",
  vault: "azure-native:keyvault:Vault",
  cluster: "azure-native:containerservice:ManagedCluster",
  pool: "azure-native:containerservice:AgentPool",
  maintenance: "azure-native:containerservice:MaintenanceConfiguration",
  roleAssignment: "azure-native:authorization:RoleAssignment",
};

describe("Monitoring", () => {
  it("keeps the application workspace Entra-only and gives Defender a platform workspace of its own", async () => {
    const resources = await registeredBy(() => new Monitoring("m", { settings: monitoring, resourceGroupName: "rg" }));
    expect(the(resources, T.workspace, names.logAnalyticsWorkspace).inputs["features"]).toEqual({
      disableLocalAuth: true,
      enableLogAccessUsingOnlyResourcePermissions: true,
    });
    expect(the(resources, T.workspace, names.platformWorkspace).inputs["features"]).toEqual({
      disableLocalAuth: false,
      enableLogAccessUsingOnlyResourcePermissions: false,
    });
  });

  it("uses the layer's retention for both workspaces", async () => {
    const settings = { ...monitoring, retentionDays: 90 };
    const resources = await registeredBy(() => new Monitoring("m", { settings, resourceGroupName: "rg" }));
    for (const name of [names.logAnalyticsWorkspace, names.platformWorkspace])
      expect(the(resources, T.workspace, name).inputs["retentionInDays"]).toBe(90);
  });
});

describe("Network", () => {
  it("creates no endpoint subnet unless the settings give its range", async () => {
    const without = await registeredBy(() => new Network("n", { settings: network, resourceGroupName: RG }));
    expect(without.filter((resource) => resource.type === "azure-native:network:Subnet")).toHaveLength(1);
    const settings = { ...network, endpointSubnet: "10.120.2.0/27" };
    const withIt = await registeredBy(() => new Network("n", { settings, resourceGroupName: RG }));
    expect(the(withIt, "azure-native:network:Subnet", `${names.virtualNetwork}-endpoints`).inputs).toMatchObject({
      addressPrefix: "10.120.2.0/27",
    });
  });
});

describe("KeyVault", () => {
  const args = (settings: KeyVaultSettings) => ({
    settings,
    resourceGroupName: RG,
    auditWorkspaceId: "/workspaces/platform",
    network: { virtualNetworkId: "/vnet", nodeSubnetId: SUBNET, endpointSubnetId: undefined },
  });

  it("admits the node subnet by its id lower-cased, as Key Vault stores it", async () => {
    const resources = await registeredBy(() => new KeyVault("k", args(keyVault)));
    expect(the(resources, T.vault).inputs["properties"]).toMatchObject({
      networkAcls: { virtualNetworkRules: [{ id: SUBNET.toLowerCase() }] },
    });
  });

  it("sends createMode recover only when the settings say so", async () => {
    const resources = await registeredBy(() => new KeyVault("k", args({ ...keyVault, recover: true })));
    expect(the(resources, T.vault).inputs["properties"]).toMatchObject({ createMode: "recover" });
  });

  it("links the owner network to a central zone, beside the zone", async () => {
    const centralZone = {
      id: "/subscriptions/hub/resourceGroups/dns-rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net",
      subscriptionId: "hub",
      resourceGroupName: "dns-rg",
      zoneName: "privatelink.vaultcore.azure.net",
    };
    const settings = { ...keyVault, privateEndpoint: { subnetId: "/subnets/pe", centralZone } };
    const resources = await registeredBy(() => new KeyVault("k", args(settings)));
    expect(the(resources, "azure-native:privatedns:VirtualNetworkLink").inputs).toMatchObject({
      resourceGroupName: "dns-rg",
      privateZoneName: "privatelink.vaultcore.azure.net",
      virtualNetwork: { id: "/vnet" },
    });
    expect(resources.filter((resource) => resource.type === "azure-native:privatedns:PrivateZone")).toEqual([]);
  });
});

describe("Cluster", () => {
  const args = (settings: ClusterSettings) => ({
    settings,
    resourceGroupName: RG,
    appWorkspaceId: "/workspaces/application",
    platformWorkspaceId: "/workspaces/platform",
    nodeSubnetId: SUBNET,
    egressIpRange: "203.0.113.4/31",
    controlPlane: { identityId: "/identities/aks", roles: [] },
  });

  it("admits its own egress range at the API server, after the layer's", async () => {
    const resources = await registeredBy(() => new Cluster("c", args(cluster)));
    expect(the(resources, T.cluster).inputs["apiServerAccessProfile"]).toMatchObject({
      authorizedIPRanges: ["192.0.2.0/24", "203.0.113.4/31"],
    });
  });

  it("moves the apps pool with the control plane's Kubernetes version", async () => {
    const resources = await registeredBy(() => new Cluster("c", args({ ...cluster, kubernetesVersion: "1.34" })));
    expect(the(resources, T.pool).inputs["orchestratorVersion"]).toBe("1.34");
  });

  it("sends each window's resolved offset, and Defender and the audit to the platform workspace", async () => {
    const resources = await registeredBy(() => new Cluster("c", args(cluster)));
    const offsets = resources
      .filter((resource) => resource.type === T.maintenance)
      .map((resource) => (resource.inputs["maintenanceWindow"] as { utcOffset: string }).utcOffset);
    expect(offsets).toEqual(["+01:00", "+02:00"]);
    expect(the(resources, T.cluster).inputs["securityProfile"]).toMatchObject({
      defender: { logAnalyticsWorkspaceResourceId: "/workspaces/platform" },
    });
  });
});

describe("ContainerInsights", () => {
  it("streams to the workspace it is given and associates with the cluster", async () => {
    const resources = await registeredBy(
      () =>
        new ContainerInsights("ci", {
          settings: containerInsights,
          resourceGroupName: RG,
          clusterId: "/clusters/c",
          workspaceId: "/workspaces/application",
        }),
    );
    expect(the(resources, "azure-native:monitor:DataCollectionRule").inputs["destinations"]).toEqual({
      logAnalytics: [{ name: "ciworkspace", workspaceResourceId: "/workspaces/application" }],
    });
    expect(the(resources, "azure-native:monitor:DataCollectionRuleAssociation").inputs["resourceUri"]).toBe(
      "/clusters/c",
    );
  });
});

describe("AppIdentity and ControlPlaneIdentity", () => {
  it("federates only the settings' service account with the issuer it is given", async () => {
    const resources = await registeredBy(
      () => new AppIdentity("a", { settings: appIdentity, resourceGroupName: RG, oidcIssuerUrl: "https://issuer/" }),
    );
    expect(the(resources, "azure-native:managedidentity:FederatedIdentityCredential").inputs).toMatchObject({
      issuer: "https://issuer/",
      subject: "system:serviceaccount:apps:altinn-apps",
    });
  });

  it("creates the control plane's identity by the settings' name", async () => {
    const resources = await registeredBy(
      () =>
        new ControlPlaneIdentity("cp", {
          settings: { name: names.clusterIdentity, location: "norwayeast", tags },
          resourceGroupName: RG,
        }),
    );
    expect(the(resources, "azure-native:managedidentity:UserAssignedIdentity").name).toBe(names.clusterIdentity);
  });
});

describe("RoleAssignments", () => {
  const cluster = ROLE_ASSIGNMENTS.filter((rule) => rule.principal === "cluster");
  const settings = { org: "unit", environment: "tt02", subscriptionId: "s", rules: cluster };

  it("gives the control plane Network Contributor on the node subnet and on its NAT gateway", async () => {
    const resources = await registeredBy(
      () =>
        new RoleAssignments("r", {
          settings,
          scopes: { nodeSubnet: SUBNET, natGateway: "/natGateways/unit-tt02-natgw" },
          principals: { cluster: "principal" },
        }),
    );
    const assignments = resources.filter((resource) => resource.type === T.roleAssignment);
    expect(assignments.map((resource) => [resource.name, resource.inputs["scope"]])).toEqual([
      ["unit-tt02-cluster-network-contributor-nodesubnet", SUBNET],
      ["unit-tt02-cluster-network-contributor-natgateway", "/natGateways/unit-tt02-natgw"],
    ]);
  });
});
