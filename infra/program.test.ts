import { beforeAll, describe, expect, it, vi } from "vitest";
import { directoryOf } from "../plan/semantics/azureMocks";
import { evaluateStack, type RegisteredResource, type StackEvaluation } from "../plan/semantics/evaluate";
import { REPO_ROOT } from "../repository/root";
import { ownerYaml, REPO_SOURCES, TODAY } from "../test/support/fleet";
import { onlyResource, resourcesOfType, sampleDirectory, writeRepository } from "../test/support/repository";
import { loadFleet } from "../files/fleetReader";
import { parseIsoDate } from "./model/dates";
import { validateFleet } from "./model/fleet";
import { AZURE_BUILT_IN_ROLES } from "./roles";

const T = {
  stack: "pulumi:pulumi:Stack",
  owner: "altinn:apps:ServiceOwnerEnvironment",
  azureProvider: "pulumi:providers:azure-native",
  entraProvider: "pulumi:providers:azuread",
  resourceGroup: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  vault: "azure-native:keyvault:Vault",
  diagnostics: "azure-native:monitor:DiagnosticSetting",
  cluster: "azure-native:containerservice:ManagedCluster",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  group: "azuread:index/group:Group",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  natGateway: "azure-native:network:NatGateway",
  ipPrefix: "azure-native:network:PublicIPPrefix",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  federatedCredential: "azure-native:managedidentity:FederatedIdentityCredential",
  agentPool: "azure-native:containerservice:AgentPool",
  maintenance: "azure-native:containerservice:MaintenanceConfiguration",
  dataCollectionRule: "azure-native:monitor:DataCollectionRule",
  dataCollectionRuleAssociation: "azure-native:monitor:DataCollectionRuleAssociation",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateZone: "azure-native:privatedns:PrivateZone",
  privateZoneLink: "azure-native:privatedns:VirtualNetworkLink",
  privateZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  groupPolicy: "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy",
  assignment: "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
} as const;

/** One PIM schedule per grant: its cases are in infra/components/privilegedAccess.test.ts. */
const isSchedule = (type: string) => type.startsWith("azuread:index/privilegedAccessGroup");

function evaluateSample(stack: string): Promise<StackEvaluation> {
  return evaluateStack({ stack, fleet: loadFleet(REPO_ROOT, TODAY), today: TODAY, directory: sampleDirectory() });
}

function named(resources: readonly RegisteredResource[], name: string): RegisteredResource {
  const found = resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
}

function parentTypeOf(resources: readonly RegisteredResource[], resource: RegisteredResource): string | undefined {
  return resources.find((other) => other.urn === resource.parent)?.type;
}

describe.each([
  { stack: "digdir-tt02", environment: "tt02", prod: false },
  { stack: "digdir-prod", environment: "prod", prod: true },
] as const)("the $stack stack", ({ stack, environment, prod }) => {
  let result: StackEvaluation;
  let resources: readonly RegisteredResource[];
  beforeAll(async () => {
    result = await evaluateSample(stack);
    resources = result.resources;
  });

  it("runs without error and registers exactly the expected resources", () => {
    expect(result.error).toBeUndefined();
    const customResources = resources
      .filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"))
      .filter((resource) => !isSchedule(resource.type))
      .map((resource) => `${resource.type} ${resource.name}`)
      .sort();
    expect(customResources).toEqual(
      [
        `${T.resourceGroup} altinnapps-${stack}-rg`,
        `${T.resourceGroup} monitor-${stack}-rg`,
        `${T.workspace} application-${stack}-law`,
        `${T.workspace} platform-${stack}-law`,
        `${T.appInsights} ${stack}-ai`,
        `${T.vault} ${stack}-apps-kv`,
        `${T.diagnostics} ${stack}-apps-kv-audit`,
        `${T.cluster} ${stack}-aks`,
        `${T.diagnostics} ${stack}-aks-audit`,
        `${T.group} altinn-apps-${stack}-developer`,
        `${T.group} altinn-apps-${stack}-operations`,
        `${T.groupPolicy} altinn-apps-${stack}-developer-member-policy`,
        `${T.groupPolicy} altinn-apps-${stack}-operations-member-policy`,
        `${T.roleAssignment} ${stack}-developer-log-analytics-reader`,
        `${T.roleAssignment} ${stack}-developer-monitoring-reader`,
        `${T.roleAssignment} ${stack}-operations-key-vault-secrets-officer`,
        `${T.roleAssignment} ${stack}-apps-key-vault-secrets-user`,
        `${T.roleAssignment} ${stack}-apps-monitoring-metrics-publisher`,
        `${T.roleAssignment} ${stack}-cluster-network-contributor-nodesubnet`,
        `${T.roleAssignment} ${stack}-cluster-network-contributor-natgateway`,
        `${T.virtualNetwork} ${stack}-vnet`,
        `${T.subnet} ${stack}-vnet-nodes`,
        `${T.natGateway} ${stack}-natgw`,
        `${T.ipPrefix} ${stack}-egress-ippre`,
        `${T.identity} ${stack}-aks-id`,
        `${T.identity} ${stack}-apps-id`,
        `${T.federatedCredential} ${stack}-apps-aks`,
        `${T.agentPool} ${stack}-aks-apps`,
        `${T.maintenance} ${stack}-aks-aksManagedAutoUpgradeSchedule`,
        `${T.maintenance} ${stack}-aks-aksManagedNodeOSUpgradeSchedule`,
        `${T.dataCollectionRule} MSCI-norwayeast-${stack}-aks`,
        `${T.dataCollectionRuleAssociation} ${stack}-aks-container-insights`,
      ].sort(),
    );
  });

  it("nests every resource under one ServiceOwnerEnvironment component, one component per concern", () => {
    const owner = onlyResource(resources, T.owner);
    expect(owner.parent).toBe(onlyResource(resources, T.stack).urn);
    const parents: [string, string][] = [
      [`${stack}-aks`, "Cluster"],
      [`${stack}-aks-apps`, "Cluster"],
      [`${stack}-aks-aksManagedAutoUpgradeSchedule`, "Cluster"],
      [`MSCI-norwayeast-${stack}-aks`, "ContainerInsights"],
      [`${stack}-aks-container-insights`, "ContainerInsights"],
      [`${stack}-apps-aks`, "AppIdentity"],
      [`${stack}-apps-kv`, "KeyVault"],
      [`application-${stack}-law`, "Monitoring"],
      [`platform-${stack}-law`, "Monitoring"],
      [`altinn-apps-${stack}-developer`, "AccessGroups"],
      [`${stack}-vnet`, "Network"],
      [`${stack}-vnet-nodes`, "Network"],
      [`${stack}-natgw`, "Network"],
      [`${stack}-egress-ippre`, "Network"],
      [`${stack}-aks-id`, "ControlPlaneIdentity"],
      [`${stack}-apps-id`, "AppIdentity"],
      [`${stack}-cluster-network-contributor-natgateway`, "RoleAssignments"],
      [`${stack}-developer-log-analytics-reader`, "RoleAssignments"],
    ];
    for (const [name, component] of parents) {
      expect(parentTypeOf(resources, named(resources, name)), name).toBe(`altinn:apps:${component}`);
    }
    for (const component of [
      "Cluster",
      "ContainerInsights",
      "KeyVault",
      "Monitoring",
      "AccessGroups",
      "Network",
      "ControlPlaneIdentity",
      "AppIdentity",
    ]) {
      expect(onlyResource(resources, `altinn:apps:${component}`).parent).toBe(owner.urn);
    }
    // Two rooms of the role table: the control plane's roles before the cluster, everyone else's after it.
    for (const roles of resourcesOfType(resources, "altinn:apps:RoleAssignments")) expect(roles.parent).toBe(owner.urn);
  });

  it("uses one explicit provider for the owner's subscription and the platform tenant", () => {
    const azure = onlyResource(resources, T.azureProvider);
    const entra = onlyResource(resources, T.entraProvider);
    expect(azure.inputs).toMatchObject({
      subscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      location: "norwayeast",
      tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01",
    });
    expect(entra.inputs).toMatchObject({ tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01" });
    for (const resource of resources.filter((candidate) => candidate.type.startsWith("azure-native:"))) {
      expect(resource.provider, resource.name).toBe(azure.urn);
    }
    for (const group of resourcesOfType(resources, T.group)) expect(group.provider).toBe(entra.urn);
  });

  it("tags every taggable Azure resource with owner, environment and managed-by", () => {
    const taggable = [
      T.resourceGroup,
      T.workspace,
      T.appInsights,
      T.vault,
      T.cluster,
      T.agentPool,
      T.virtualNetwork,
      T.natGateway,
      T.ipPrefix,
      T.identity,
      T.dataCollectionRule,
    ];
    for (const resource of resources.filter((candidate) =>
      taggable.includes(candidate.type as (typeof taggable)[number]),
    )) {
      expect(resource.inputs["tags"], resource.name).toEqual({
        "altinn:owner": "digdir",
        "altinn:environment": environment,
        "managed-by": "pulumi",
      });
    }
  });

  it(
    prod
      ? "protects the resource groups, cluster, vault, workspaces, network and egress prefix"
      : "protects the cluster, vault, workspaces, network and egress prefix in tt02 too",
    () => {
      const protectedNames = resources
        .filter((resource) => resource.protect)
        .map((resource) => resource.name)
        .sort();
      expect(protectedNames).toEqual(
        [
          ...(prod ? [`altinnapps-${stack}-rg`, `monitor-${stack}-rg`] : []),
          `application-${stack}-law`,
          `platform-${stack}-law`,
          `${stack}-aks`,
          `${stack}-apps-kv`,
          `${stack}-vnet`,
          `${stack}-egress-ippre`,
        ].sort(),
      );
    },
  );

  it("hardens the Key Vault and sends its audit log to the platform workspace", () => {
    const vault = onlyResource(resources, T.vault);
    expect(vault.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      accessPolicies: [],
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "192.0.2.0/24" }] },
    });
    expect(vault.inputs["properties"]).not.toHaveProperty("createMode");
    const diagnostics = named(resources, `${stack}-apps-kv-audit`);
    expect(diagnostics.inputs).toMatchObject({
      resourceUri: expect.stringMatching(new RegExp(`/vaults/${stack}-apps-kv$`)),
      workspaceId: expect.stringMatching(new RegExp(`/workspaces/platform-${stack}-law$`)),
      logs: [{ categoryGroup: "audit", enabled: true }],
    });
  });

  it("meets the security baseline's cluster controls (Azure Policy built-ins)", () => {
    const cluster = onlyResource(resources, T.cluster).inputs;
    // Defender's publisher needs workspace keys: the platform workspace (Microsoft-Defender-for-Cloud issue 1010).
    const workspace = expect.stringMatching(new RegExp(`/workspaces/platform-${stack}-law$`));
    expect(cluster).toMatchObject({
      addonProfiles: { azurepolicy: { enabled: true } },
      apiServerAccessProfile: { disableRunCommand: true },
      securityProfile: {
        imageCleaner: { enabled: true },
        defender: { logAnalyticsWorkspaceResourceId: workspace, securityMonitoring: { enabled: true } },
      },
      autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    });
    expect(cluster["apiServerAccessProfile"]).not.toHaveProperty("enablePrivateCluster");
    expect(
      (cluster["addonProfiles"] as Record<string, { config?: Record<string, string> }>)["omsagent"]?.config,
    ).toMatchObject({ useAADAuth: "true" });
    const pools = [
      ...(cluster["agentPoolProfiles"] as Record<string, unknown>[]),
      onlyResource(resources, T.agentPool).inputs,
    ];
    for (const pool of pools) {
      expect(pool).toMatchObject({ enableEncryptionAtHost: true, securityProfile: { sshAccess: "Disabled" } });
    }
  });

  it("sends the control plane's admin audit and Entra ID sign-in logs to the platform workspace, not every read", () => {
    expect(named(resources, `${stack}-aks-audit`).inputs).toEqual({
      name: `${stack}-aks-audit`,
      resourceUri: expect.stringMatching(new RegExp(`/managedClusters/${stack}-aks$`)),
      workspaceId: expect.stringMatching(new RegExp(`/workspaces/platform-${stack}-law$`)),
      logAnalyticsDestinationType: "Dedicated",
      logs: [
        { category: "kube-audit-admin", enabled: true },
        { category: "guard", enabled: true },
      ],
    });
  });

  it("applies the layer's monitoring network choice to the workspace and Application Insights alike", () => {
    const access = { publicNetworkAccessForIngestion: "Enabled", publicNetworkAccessForQuery: "Enabled" };
    for (const workspace of resourcesOfType(resources, T.workspace)) expect(workspace.inputs).toMatchObject(access);
    expect(onlyResource(resources, T.appInsights).inputs).toMatchObject({
      ...access,
      forceCustomerStorageForProfiler: true,
    });
  });

  it("keeps the Key Vault on its firewall without a private endpoint unless the layer asks for one", () => {
    expect(onlyResource(resources, T.vault).inputs["properties"]).toMatchObject({ publicNetworkAccess: "Enabled" });
    expect(resourcesOfType(resources, T.privateEndpoint)).toEqual([]);
    expect(resourcesOfType(resources, T.privateZone)).toEqual([]);
  });

  it("makes Application Insights workspace-based with local auth disabled", () => {
    expect(onlyResource(resources, T.appInsights).inputs).toMatchObject({
      ingestionMode: "LogAnalytics",
      workspaceResourceId: expect.stringMatching(new RegExp(`/workspaces/application-${stack}-law$`)),
      disableLocalAuth: true,
    });
    expect(named(resources, `application-${stack}-law`).inputs).toMatchObject({
      retentionInDays: prod ? 90 : 30,
      features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
    });
    // Only Defender's workspace keeps keys, and it opens to no one by resource-context.
    expect(named(resources, `platform-${stack}-law`).inputs).toMatchObject({
      retentionInDays: prod ? 90 : 30,
      features: { disableLocalAuth: false, enableLogAccessUsingOnlyResourcePermissions: false },
    });
  });

  it("configures the AKS cluster securely", () => {
    const cluster = onlyResource(resources, T.cluster).inputs;
    expect(cluster).toMatchObject({
      resourceName: `${stack}-aks`,
      resourceGroupName: `altinnapps-${stack}-rg`,
      aadProfile: {
        managed: true,
        enableAzureRBAC: true,
        adminGroupObjectIDs: ["5b0f2d4e-7c1a-4e8b-9f3d-2a6c8e1b4d02"],
      },
      disableLocalAccounts: true,
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: [expect.stringMatching(new RegExp(`/userAssignedIdentities/${stack}-aks-id$`))],
      },
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        networkDataplane: "cilium",
        networkPolicy: "cilium",
        podCidr: "10.244.0.0/16",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
        outboundType: "userAssignedNATGateway",
      },
      // The layer's ranges and the owner's own egress prefix, from which the nodes reach the API server.
      apiServerAccessProfile: {
        authorizedIPRanges: [
          "192.0.2.0/24",
          "198.51.100.16/28",
          named(resources, `${stack}-egress-ippre`).computed["ipPrefix"],
        ],
      },
      autoUpgradeProfile: { upgradeChannel: "patch" },
      sku: { tier: prod ? "Standard" : "Free" },
      addonProfiles: {
        omsagent: {
          enabled: true,
          config: { logAnalyticsWorkspaceResourceID: expect.stringMatching(/\/workspaces\/application-/) },
        },
        azureKeyvaultSecretsProvider: { enabled: true },
      },
    });
    expect(cluster["apiServerAccessProfile"]).not.toHaveProperty("enablePrivateCluster");
  });

  it("puts the system pool inline and the apps pool in its own resource, both autoscaled on the node subnet", () => {
    const cluster = onlyResource(resources, T.cluster);
    const appsPool = onlyResource(resources, T.agentPool);
    const nodeSubnet = named(resources, `${stack}-vnet-nodes`).computed["id"];
    expect(nodeSubnet).toMatch(new RegExp(`/virtualNetworks/${stack}-vnet/subnets/nodes$`));
    const inline = cluster.inputs["agentPoolProfiles"] as Record<string, unknown>[];
    expect(inline.map((pool) => [pool["name"], pool["mode"]])).toEqual([["system", "System"]]);
    expect(inline[0]).toMatchObject({
      vmSize: "Standard_D4s_v5",
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
    });
    expect(appsPool.inputs).toMatchObject({
      resourceName: `${stack}-aks`,
      resourceGroupName: `altinnapps-${stack}-rg`,
      agentPoolName: expect.stringMatching(/^apps[0-9a-f]{6}$/),
      mode: "User",
      vmSize: prod ? "Standard_D8s_v5" : "Standard_D4s_v5",
      // A Kubernetes minor bump moves the apps pool with the control plane.
      orchestratorVersion: onlyResource(resources, T.cluster).inputs["kubernetesVersion"],
    });
    expect(appsPool.inputs).not.toHaveProperty("nodeTaints");
    for (const pool of [inline[0] ?? {}, appsPool.inputs]) {
      expect(pool).toMatchObject({
        osSKU: "AzureLinux",
        enableAutoScaling: true,
        minCount: 3,
        maxCount: 6,
        count: 3,
        vnetSubnetID: nodeSubnet,
      });
      if (prod) expect(pool["availabilityZones"]).toEqual(["1", "2", "3"]);
      else expect(pool).not.toHaveProperty("availabilityZones");
    }
    // The autoscaler owns the counts; the cluster leaves the inline pool to creation (Azure refuses pool updates).
    expect(cluster.ignoreChanges).toEqual(["agentPoolProfiles"]);
    expect(appsPool.ignoreChanges).toEqual(["count"]);
    expect(appsPool.provider).toBe(onlyResource(resources, T.azureProvider).urn);
  });

  it("builds the owner network: node subnet with the Key Vault service endpoint, egress through the NAT gateway", () => {
    const prefix = prod ? "10.124" : "10.120";
    const vnet = onlyResource(resources, T.virtualNetwork);
    const subnet = onlyResource(resources, T.subnet);
    const natGateway = onlyResource(resources, T.natGateway);
    const ipPrefix = onlyResource(resources, T.ipPrefix);
    expect(vnet.inputs).toMatchObject({
      virtualNetworkName: `${stack}-vnet`,
      resourceGroupName: `altinnapps-${stack}-rg`,
      location: "norwayeast",
      addressSpace: { addressPrefixes: [`${prefix}.0.0/22`] },
    });
    expect(vnet.inputs).not.toHaveProperty("subnets");
    expect(subnet.inputs).toMatchObject({
      resourceGroupName: `altinnapps-${stack}-rg`,
      virtualNetworkName: `${stack}-vnet`,
      subnetName: "nodes",
      addressPrefix: `${prefix}.0.0/23`,
      natGateway: { id: expect.stringMatching(new RegExp(`/natGateways/${stack}-natgw$`)) },
      serviceEndpoints: [{ service: "Microsoft.KeyVault" }],
      defaultOutboundAccess: false,
    });
    expect(natGateway.inputs).toMatchObject({
      sku: { name: "Standard" },
      publicIpPrefixes: [{ id: expect.stringMatching(new RegExp(`/publicIPPrefixes/${stack}-egress-ippre$`)) }],
    });
    expect(ipPrefix.inputs).toMatchObject({
      sku: { name: "Standard", tier: "Regional" },
      publicIPAddressVersion: "IPv4",
      prefixLength: prod ? 30 : 31,
    });
    expect(result.outputs["egressIpRange"]).toMatch(new RegExp(`^203\\.0\\.113\\.\\d+/${prod ? 30 : 31}$`));
  });

  it("lets the Key Vault firewall admit exactly the node subnet, by its id as Key Vault stores it (lower case)", () => {
    const subnetId = String(named(resources, `${stack}-vnet-nodes`).computed["id"]);
    expect(subnetId).toMatch(
      new RegExp(`^/subscriptions/${result.target?.subscriptionId}/resourceGroups/altinnapps-${stack}-rg/`),
    );
    expect(onlyResource(resources, T.vault).inputs["properties"]).toMatchObject({
      networkAcls: {
        virtualNetworkRules: [{ id: subnetId.toLowerCase(), ignoreMissingVnetServiceEndpoint: false }],
      },
    });
  });

  it("collects Container Insights: the rule streams to the workspace and is associated with the cluster", () => {
    const workspace = expect.stringMatching(new RegExp(`/workspaces/application-${stack}-law$`));
    const rule = onlyResource(resources, T.dataCollectionRule);
    expect(rule.inputs).toMatchObject({
      dataCollectionRuleName: `MSCI-norwayeast-${stack}-aks`,
      kind: "Linux",
      dataSources: {
        extensions: [
          {
            name: "ContainerInsightsExtension",
            extensionName: "ContainerInsights",
            streams: ["Microsoft-ContainerInsights-Group-Default"],
          },
        ],
      },
      destinations: { logAnalytics: [{ name: "ciworkspace", workspaceResourceId: workspace }] },
      dataFlows: [{ streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["ciworkspace"] }],
    });
    expect(onlyResource(resources, T.dataCollectionRuleAssociation).inputs).toMatchObject({
      associationName: "ContainerInsightsExtension",
      resourceUri: result.outputs["clusterId"],
      dataCollectionRuleId: expect.stringMatching(new RegExp(`/dataCollectionRules/MSCI-norwayeast-${stack}-aks$`)),
    });
  });

  it("federates the apps' identity with the cluster's OIDC issuer for the apps' service account only", () => {
    expect(onlyResource(resources, T.federatedCredential).inputs).toEqual({
      federatedIdentityCredentialResourceName: `${stack}-apps-aks`,
      resourceName: `${stack}-apps-id`,
      resourceGroupName: `altinnapps-${stack}-rg`,
      issuer: result.outputs["oidcIssuerUrl"],
      subject: "system:serviceaccount:default:altinn-apps",
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(result.outputs["oidcIssuerUrl"]).toMatch(/^https:\/\/norwayeast\.oic\.prod-aks\.azure\.com\//);
  });

  it("schedules cluster and node OS upgrades in the layer's windows", () => {
    const windows = Object.fromEntries(
      resourcesOfType(resources, T.maintenance).map((config) => [config.inputs["configName"], config.inputs]),
    );
    const weekly = (dayOfWeek: string) => ({
      schedule: { weekly: { dayOfWeek, intervalWeeks: 1 } },
      startTime: "22:00",
      durationHours: 4,
      utcOffset: "+01:00",
    });
    expect(windows).toEqual({
      aksManagedAutoUpgradeSchedule: {
        configName: "aksManagedAutoUpgradeSchedule",
        resourceGroupName: `altinnapps-${stack}-rg`,
        resourceName: `${stack}-aks`,
        maintenanceWindow: weekly(prod ? "Wednesday" : "Monday"),
      },
      aksManagedNodeOSUpgradeSchedule: {
        configName: "aksManagedNodeOSUpgradeSchedule",
        resourceGroupName: `altinnapps-${stack}-rg`,
        resourceName: `${stack}-aks`,
        maintenanceWindow: weekly(prod ? "Thursday" : "Tuesday"),
      },
    });
  });

  it("creates the cluster only after its identity may join the node subnet and its NAT gateway", () => {
    const joinSubnet = named(resources, `${stack}-cluster-network-contributor-nodesubnet`);
    const joinNatGateway = named(resources, `${stack}-cluster-network-contributor-natgateway`);
    for (const [assignment, scope] of [
      [joinSubnet, `/virtualNetworks/${stack}-vnet/subnets/nodes$`],
      [joinNatGateway, `/natGateways/${stack}-natgw$`],
    ] as const) {
      expect(assignment.inputs).toMatchObject({
        principalType: "ServicePrincipal",
        roleDefinitionId: expect.stringMatching(new RegExp(`/${AZURE_BUILT_IN_ROLES["Network Contributor"]}$`)),
        scope: expect.stringMatching(new RegExp(scope)),
      });
      expect(onlyResource(resources, T.cluster).dependencies).toContain(assignment.urn);
    }
  });

  it("creates the Developer and Operations groups owned by the platform, members left to PIM", () => {
    const groups = resourcesOfType(resources, T.group);
    const title = prod ? "Prod" : "Test";
    expect(groups.map((group) => group.inputs["displayName"]).sort()).toEqual([
      `Altinn Apps digdir ${title} Developer`,
      `Altinn Apps digdir ${title} Operations`,
    ]);
    const developer = named(resources, `altinn-apps-${stack}-developer`).inputs;
    const operations = named(resources, `altinn-apps-${stack}-operations`).inputs;
    expect(developer).toMatchObject({
      securityEnabled: true,
      mailEnabled: false,
      owners: [prod ? "3c8f1e2a-9b7d-4e6f-a1c3-5d2b8e4f6a04" : "7d3e9a1c-2b4f-4c6d-8e0a-1f5b3c7d9e03"],
    });
    // Both sample layers use PIM: grants are schedules, and members are not managed (membership model: see
    // infra/components/privilegedAccess.test.ts).
    expect(developer["members"]).toBeUndefined();
    expect(operations["members"]).toBeUndefined();
  });

  it("assigns the role table to groups and the apps' and cluster's identities, never to users or node identities", () => {
    const assignments = resourcesOfType(resources, T.roleAssignment).map((assignment) => assignment.inputs);
    const principalOf = (identityName: string) => named(resources, identityName).computed["principalId"];
    const expected: [string, string, string, unknown][] = [
      [
        "Group",
        "Log Analytics Reader",
        `/workspaces/application-${stack}-law`,
        result.outputs["developerGroupObjectId"],
      ],
      ["Group", "Monitoring Reader", `/components/${stack}-ai`, result.outputs["developerGroupObjectId"]],
      ["Group", "Key Vault Secrets Officer", `/vaults/${stack}-apps-kv`, result.outputs["operationsGroupObjectId"]],
      ["ServicePrincipal", "Key Vault Secrets User", `/vaults/${stack}-apps-kv`, principalOf(`${stack}-apps-id`)],
      ["ServicePrincipal", "Monitoring Metrics Publisher", `/components/${stack}-ai`, principalOf(`${stack}-apps-id`)],
      ["ServicePrincipal", "Network Contributor", `/subnets/nodes`, principalOf(`${stack}-aks-id`)],
      ["ServicePrincipal", "Network Contributor", `/natGateways/${stack}-natgw`, principalOf(`${stack}-aks-id`)],
    ];
    const roleName = (id: unknown) =>
      Object.entries(AZURE_BUILT_IN_ROLES).find(([, guid]) => String(id).endsWith(`/${guid}`))?.[0];
    expect(
      assignments.map((inputs) => [
        inputs["principalType"],
        roleName(inputs["roleDefinitionId"]),
        String(inputs["scope"]).replace(/^.*(\/[^/]+\/[^/]+)$/, "$1"),
        inputs["principalId"],
      ]),
    ).toEqual(expect.arrayContaining(expected));
    expect(assignments).toHaveLength(expected.length);
    expect(AZURE_BUILT_IN_ROLES["Monitoring Metrics Publisher"]).toBe("3913510d-42f4-4e42-8a64-420c390055eb");
    // Any pod on a node can obtain the node-level secrets-provider identity's token: it gets no role at all.
    const addons = onlyResource(resources, T.cluster).computed["addonProfiles"] as Record<
      string,
      { identity?: { objectId?: string } }
    >;
    const secretsProvider = addons["azureKeyvaultSecretsProvider"]?.identity?.objectId;
    expect(secretsProvider).toMatch(/^[0-9a-f-]{36}$/);
    expect(assignments.map((inputs) => inputs["principalId"])).not.toContain(secretsProvider);
    for (const inputs of assignments)
      expect(inputs["roleAssignmentName"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
  });

  it("exports the stack outputs, with the connection string as a secret", () => {
    expect(result.outputs).toMatchObject({
      clusterName: `${stack}-aks`,
      clusterId: expect.stringMatching(new RegExp(`/managedClusters/${stack}-aks$`)),
      oidcIssuerUrl: expect.stringMatching(/^https:\/\//),
      keyVaultUri: `https://${stack}-apps-kv.vault.azure.net/`,
      applicationInsightsConnectionString: "[secret]",
      developerGroupObjectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      operationsGroupObjectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      appHostname: prod ? "digdir.apps.altinn.no" : "digdir.apps.tt02.altinn.no",
      egressIpRange: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/\d+$/),
      appIdentityClientId: named(resources, `${stack}-apps-id`).computed["clientId"],
    });
    expect(result.outputs["appIdentityClientId"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the environment layer's security choices, the other way", () => {
  const SUBNET =
    "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/private-endpoints";
  const DNS_ZONE =
    "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";

  async function evaluateWithProdLayer(change: (layer: string) => string, owner = ownerYaml("abc")) {
    const root = writeRepository([owner], {
      ...REPO_SOURCES.layers,
      prod: { file: "Pulumi.prod.yaml", text: change(REPO_SOURCES.layers.prod.text ?? "") },
    });
    const fleet = loadFleet(root, TODAY);
    expect(fleet.problems).toEqual([]);
    const result = await evaluateStack({
      stack: "abc-prod",
      fleet,
      today: TODAY,
      directory: directoryOf(["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no"]),
    });
    expect(result.error).toBeUndefined();
    return result.resources;
  }

  describe("closed monitoring, SecurityPatch, and a private endpoint in the owner network", () => {
    let resources: readonly RegisteredResource[];
    beforeAll(async () => {
      resources = await evaluateWithProdLayer((layer) =>
        layer
          .replace("    ingestion: Enabled\n    query: Enabled", "    ingestion: Disabled\n    query: Disabled")
          .replace("nodeOsUpgradeChannel: NodeImage", "nodeOsUpgradeChannel: SecurityPatch")
          .concat("  altinn-apps:keyVaultPrivateEndpoint: {}\n"),
      );
    });

    it("uses the chosen node OS channel and keeps the API server limited to the ranges", () => {
      const cluster = onlyResource(resources, T.cluster).inputs;
      expect(cluster["autoUpgradeProfile"]).toEqual({ upgradeChannel: "patch", nodeOSUpgradeChannel: "SecurityPatch" });
      expect(cluster["apiServerAccessProfile"]).toEqual({
        disableRunCommand: true,
        authorizedIPRanges: [
          "192.0.2.0/24",
          "198.51.100.16/28",
          onlyResource(resources, T.ipPrefix).computed["ipPrefix"],
        ],
      });
    });

    it("closes the workspace and Application Insights to public networks", () => {
      const closed = { publicNetworkAccessForIngestion: "Disabled", publicNetworkAccessForQuery: "Disabled" };
      for (const workspace of resourcesOfType(resources, T.workspace)) expect(workspace.inputs).toMatchObject(closed);
      expect(onlyResource(resources, T.appInsights).inputs).toMatchObject(closed);
    });

    it("puts the private endpoint in the owner's endpoint subnet, with a private DNS zone linked to the network", () => {
      expect(onlyResource(resources, T.vault).inputs["properties"]).toMatchObject({ publicNetworkAccess: "Disabled" });
      const endpointSubnet = named(resources, "abc-prod-vnet-endpoints");
      expect(endpointSubnet.inputs).toMatchObject({ subnetName: "endpoints", addressPrefix: "10.124.2.0/27" });
      expect(endpointSubnet.inputs).not.toHaveProperty("natGateway");
      expect(onlyResource(resources, T.privateEndpoint).inputs).toMatchObject({
        privateEndpointName: "abc-prod-apps-kv-pe",
        subnet: { id: endpointSubnet.computed["id"] },
        privateLinkServiceConnections: [
          { groupIds: ["vault"], privateLinkServiceId: expect.stringMatching(/\/vaults\/abc-prod-apps-kv$/) },
        ],
        tags: { "altinn:owner": "abc", "altinn:environment": "prod" },
      });
      const zone = onlyResource(resources, T.privateZone);
      expect(zone.inputs).toMatchObject({ privateZoneName: "privatelink.vaultcore.azure.net", location: "global" });
      expect(onlyResource(resources, T.privateZoneLink).inputs).toMatchObject({
        privateZoneName: "privatelink.vaultcore.azure.net",
        virtualNetwork: { id: named(resources, "abc-prod-vnet").computed["id"] },
        registrationEnabled: false,
        location: "global",
      });
      expect(onlyResource(resources, T.privateZoneGroup).inputs).toMatchObject({
        privateEndpointName: "abc-prod-apps-kv-pe",
        privateDnsZoneConfigs: [{ privateDnsZoneId: zone.computed["id"] }],
      });
    });
  });

  it("uses a central subnet and DNS zone when the layer names them, creating no zone of its own", async () => {
    const resources = await evaluateWithProdLayer((layer) =>
      layer.concat(
        `  altinn-apps:keyVaultPrivateEndpoint:\n    subnetId: ${SUBNET}\n    privateDnsZoneId: ${DNS_ZONE}\n`,
      ),
    );
    expect(onlyResource(resources, T.privateEndpoint).inputs).toMatchObject({ subnet: { id: SUBNET } });
    expect(onlyResource(resources, T.privateZoneGroup).inputs).toMatchObject({
      privateDnsZoneConfigs: [{ privateDnsZoneId: DNS_ZONE }],
    });
    expect(resourcesOfType(resources, T.subnet).map((subnet) => subnet.inputs["subnetName"])).toEqual(["nodes"]);
    expect(resourcesOfType(resources, T.privateZone)).toEqual([]);
    // The central zone resolves for the owner network only once linked to it: the link goes beside the zone, in the
    // zone's subscription, through a provider of its own.
    const link = onlyResource(resources, T.privateZoneLink);
    expect(link.inputs).toMatchObject({
      virtualNetworkLinkName: "abc-prod-vnet-link",
      privateZoneName: "privatelink.vaultcore.azure.net",
      resourceGroupName: "hub-rg",
      virtualNetwork: { id: named(resources, "abc-prod-vnet").computed["id"] },
      registrationEnabled: false,
    });
    const hub = resources.find((resource) => resource.urn === link.provider);
    expect(hub?.inputs).toMatchObject({ subscriptionId: "33333333-3333-4333-8333-333333333333" });
  });

  it.each([
    { day: TODAY, recovers: true },
    { day: "2026-11-22", recovers: false },
  ])(
    "takes an owner's own address ranges, and recovers its soft-deleted vault only on the day the owner file names ($day)",
    async ({ day, recovers }) => {
      const subscriptionId = "55555555-5555-4555-8555-555555555555";
      const network = {
        addressSpace: "10.124.8.0/22",
        nodeSubnet: "10.124.8.0/23",
        endpointSubnet: "10.124.10.0/27",
      };
      const resources = await evaluateWithProdLayer(
        (layer) => layer,
        ownerYaml("abc", {
          environments: { prod: { subscriptionId, network, recoverKeyVault: day } },
          access: [{ user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2027-01-31" }],
        }),
      );
      expect(onlyResource(resources, T.virtualNetwork).inputs).toMatchObject({
        addressSpace: { addressPrefixes: ["10.124.8.0/22"] },
      });
      expect(onlyResource(resources, T.subnet).inputs).toMatchObject({ addressPrefix: "10.124.8.0/23" });
      // Left set, recover would be sent on every update, and Azure would restore the vault's old network rules.
      const properties = onlyResource(resources, T.vault).inputs["properties"];
      if (recovers) expect(properties).toMatchObject({ createMode: "recover" });
      else expect(properties).not.toHaveProperty("createMode");
    },
  );
});

describe("adopting what a sample owner already has (Digdir's Terraform: digdir-prod-apps-kv, application-digdir-prod-law)", () => {
  it("imports the adopted resources by the ids the owner file names, and creates the rest", async () => {
    const digdir = REPO_SOURCES.owners.find((owner) => owner.file === "stacks/digdir.yaml");
    const subscription = "682c53ef-fa0c-4e36-838f-24874d2a0d69";
    const group = `/subscriptions/${subscription}/resourceGroups`;
    const adopt = {
      clusterResourceGroup: `${group}/altinnapps-digdir-prod-rg`,
      monitorResourceGroup: `${group}/monitor-digdir-prod-rg`,
      logAnalyticsWorkspace: `${group}/monitor-digdir-prod-rg/providers/Microsoft.OperationalInsights/workspaces/application-digdir-prod-law`,
      applicationInsights: `${group}/monitor-digdir-prod-rg/providers/Microsoft.Insights/components/digdir-prod-ai`,
      keyVault: `${group}/altinnapps-digdir-prod-rg/providers/Microsoft.KeyVault/vaults/digdir-prod-apps-kv`,
      managedCluster: `${group}/altinnapps-digdir-prod-rg/providers/Microsoft.ContainerService/managedClusters/digdir-prod-aks`,
      developerGroup: "0d6a7b3c-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
      operationsGroup: "1e7b8c4d-2f3a-4b6c-9d0e-1f2a3b4c5d6e",
    };
    const text = (digdir?.text ?? "").replace(
      "    subscriptionId: 682c53ef-fa0c-4e36-838f-24874d2a0d69 # placeholder: Altinn-digdir-Prod",
      `    subscriptionId: ${subscription}\n    adopt:\n${Object.entries(adopt)
        .map(([kind, id]) => `      ${kind}: ${id}`)
        .join("\n")}`,
    );
    expect(text).toContain("adopt:");
    const fleet = validateFleet(
      {
        layers: REPO_SOURCES.layers,
        owners: REPO_SOURCES.owners.map((owner) => (owner === digdir ? { ...owner, text } : owner)),
      },
      TODAY,
    );
    expect(fleet.problems.filter((problem) => problem.file === "stacks/digdir.yaml")).toEqual([]);
    const { resources, error } = await evaluateStack({
      stack: "digdir-prod",
      fleet,
      today: TODAY,
      directory: sampleDirectory(),
    });
    expect(error).toBeUndefined();
    const imports = Object.fromEntries(
      resources.filter((resource) => resource.import !== undefined).map((resource) => [resource.name, resource.import]),
    );
    expect(imports).toEqual({
      "altinnapps-digdir-prod-rg": adopt.clusterResourceGroup,
      "monitor-digdir-prod-rg": adopt.monitorResourceGroup,
      "application-digdir-prod-law": adopt.logAnalyticsWorkspace,
      "digdir-prod-ai": adopt.applicationInsights,
      "digdir-prod-apps-kv": adopt.keyVault,
      "digdir-prod-aks": adopt.managedCluster,
      "altinn-apps-digdir-prod-developer": `/groups/${adopt.developerGroup}`,
      "altinn-apps-digdir-prod-operations": `/groups/${adopt.operationsGroup}`,
    });
    // Adopted or created, the same protection: an import never lowers it.
    expect(named(resources, "digdir-prod-apps-kv").protect).toBe(true);
  });
});

describe("day-2 changes to the apps pool", () => {
  async function appsPoolName(cluster: Record<string, unknown>): Promise<string> {
    const environments = { prod: { subscriptionId: "66666666-6666-4666-8666-666666666666", cluster } };
    const owner = ownerYaml("abc", {
      environments,
      access: [{ user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2027-01-31" }],
    });
    const { resources, error } = await evaluateStack({
      stack: "abc-prod",
      fleet: loadFleet(writeRepository([owner]), TODAY),
      today: TODAY,
      directory: directoryOf(["dev.abc@ai-dev.no"]),
    });
    expect(error).toBeUndefined();
    return String(onlyResource(resources, T.agentPool).inputs["agentPoolName"]);
  }

  it("rolls a new pool for a new VM size, and updates the same pool for new node counts", async () => {
    const original = await appsPoolName({});
    expect(await appsPoolName({ minNodes: 4, maxNodes: 9 })).toBe(original);
    expect(await appsPoolName({ userPoolVmSize: "Standard_D16s_v5" })).not.toBe(original);
  });
});

describe("the program's refusals", () => {
  it("gives the same role assignment names on a second run", async () => {
    const names = async () =>
      resourcesOfType((await evaluateSample("brg-prod")).resources, T.roleAssignment).map(
        (assignment) => assignment.inputs["roleAssignmentName"],
      );
    expect(await names()).toEqual(await names());
  });

  it("leaves expired grants out of the groups", async () => {
    const access = [
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2026-11-22" },
      { user: "ops.abc@ai-dev.brreg.no", role: "developer", environment: "prod", expires: "2026-11-23" },
    ];
    const root = writeRepository([ownerYaml("abc", { access })]);
    const directory = directoryOf(["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no"]);
    // The program warns about the grant it leaves out (Pulumi's log, on the console under mocks): asserted, not printed.
    const consoles = (["log", "warn", "error"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );
    const { resources, error } = await evaluateStack({
      stack: "abc-prod",
      fleet: loadFleet(root, TODAY),
      today: TODAY,
      directory,
    });
    const warned = consoles.flatMap((spy) => spy.mock.calls.map((call) => call.join(" "))).join("\n");
    for (const spy of consoles) spy.mockRestore();
    expect(warned).toMatch(
      /warning: .*access\[0\]\.expires: the date 2026-11-22 is in the past.*\(left out of the group; access has ended\)/,
    );
    expect(error).toBeUndefined();
    expect(resourcesOfType(resources, T.assignment).map((schedule) => schedule.inputs["principalId"])).toEqual([
      directory.get("ops.abc@ai-dev.brreg.no"),
    ]);
  });

  it("fails, naming every missing account, when granted users do not exist in the tenant", async () => {
    const result = await evaluateStack({
      stack: "digdir-prod",
      fleet: loadFleet(REPO_ROOT, TODAY),
      today: TODAY,
      directory: directoryOf([]),
    });
    expect(result.error).toMatch(
      /stacks\/digdir.yaml: 2 user\(s\) granted access in prod do not exist in the Entra ID tenant: kari.nordmann@ai-dev.no, ola.hansen@ai-dev.no/,
    );
  });

  it("gives the process its stack traces back after an evaluation, failed or not", async () => {
    const limit = Error.stackTraceLimit;
    await evaluateSample("digdir-tt02");
    await evaluateStack({
      stack: "digdir-prod",
      fleet: loadFleet(REPO_ROOT, TODAY),
      today: TODAY,
      directory: directoryOf([]),
    });
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it.each([
    ["digdir", /stack name "digdir" must be <org>-<env>/],
    ["digdir-dev", /must be <org>-<env>/],
    ["zzz-prod", /no service owner "zzz": stacks\/zzz.yaml not found/],
    ["nav-prod", /nav has no prod environment/],
  ])("refuses the stack %s before registering any resource", async (stack, message) => {
    const result = await evaluateSample(stack);
    expect(result.error).toMatch(message);
    expect(result.resources.filter((resource) => resource.custom)).toEqual([]);
  });

  it("refuses an invalid owner file with every problem, before registering any resource", async () => {
    const root = writeRepository([ownerYaml("abc", { contact: "nope", orgNumber: "999999990" })]);
    const result = await evaluateStack({
      stack: "abc-tt02",
      fleet: loadFleet(root, TODAY),
      today: parseIsoDate("2026-11-23"),
      directory: directoryOf([]),
    });
    expect(result.error).toMatch(/stacks\/abc.yaml:\d+:\d+: orgNumber: must be 9 digits/);
    expect(result.error).toMatch(/stacks\/abc.yaml:\d+:\d+: contact: must be an e-mail address/);
    expect(result.resources.filter((resource) => resource.custom)).toEqual([]);
  });
});
