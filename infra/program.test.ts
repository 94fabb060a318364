import { beforeAll, describe, expect, it } from "vitest";
import { directoryOf } from "../lib/azureMocks";
import { evaluateStack, type RegisteredResource, type StackEvaluation } from "../lib/evaluate";
import { REPO_ROOT } from "../lib/repo";
import { ownerYaml, REPO_SOURCES, TODAY } from "../test/support/fleet";
import { onlyResource, resourcesOfType, sampleDirectory, writeRepository } from "../test/support/repository";
import { loadFleet, parseIsoDate } from "./model";
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
        `${T.roleAssignment} ${stack}-keyVaultSecretsProvider-key-vault-secrets-user`,
      ].sort(),
    );
  });

  it("nests every resource under one ServiceOwnerEnvironment component, one component per concern", () => {
    const owner = onlyResource(resources, T.owner);
    expect(owner.parent).toBe(onlyResource(resources, T.stack).urn);
    const parentType = (resource: RegisteredResource) => resources.find((other) => other.urn === resource.parent)?.type;
    expect(parentType(named(resources, `${stack}-aks`))).toBe("altinn:apps:Cluster");
    expect(parentType(named(resources, `${stack}-apps-kv`))).toBe("altinn:apps:KeyVault");
    expect(parentType(named(resources, `application-${stack}-law`))).toBe("altinn:apps:Monitoring");
    expect(parentType(named(resources, `altinn-apps-${stack}-developer`))).toBe("altinn:apps:AccessGroups");
    for (const component of ["Cluster", "KeyVault", "Monitoring", "AccessGroups", "RoleAssignments"]) {
      expect(onlyResource(resources, `altinn:apps:${component}`).parent).toBe(owner.urn);
    }
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
    const taggable = [T.resourceGroup, T.workspace, T.appInsights, T.vault, T.cluster];
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

  it(prod ? "protects the resource groups, cluster, vault and workspace" : "protects nothing in tt02", () => {
    const protectedNames = resources
      .filter((resource) => resource.protect)
      .map((resource) => resource.name)
      .sort();
    expect(protectedNames).toEqual(
      prod
        ? [
            `altinnapps-${stack}-rg`,
            `application-${stack}-law`,
            `monitor-${stack}-rg`,
            `${stack}-aks`,
            `${stack}-apps-kv`,
          ].sort()
        : [],
    );
  });

  it("hardens the Key Vault and sends its audit log to the workspace", () => {
    const vault = onlyResource(resources, T.vault);
    expect(vault.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "192.0.2.0/24" }] },
    });
    expect(vault.inputs["properties"]).not.toHaveProperty("accessPolicies");
    const diagnostics = named(resources, `${stack}-apps-kv-audit`);
    expect(diagnostics.inputs).toMatchObject({
      resourceUri: expect.stringMatching(new RegExp(`/vaults/${stack}-apps-kv$`)),
      workspaceId: expect.stringMatching(new RegExp(`/workspaces/application-${stack}-law$`)),
      logs: [{ categoryGroup: "audit", enabled: true }],
    });
  });

  it("meets the security baseline's cluster controls (Azure Policy built-ins)", () => {
    const cluster = onlyResource(resources, T.cluster).inputs;
    const workspace = expect.stringMatching(new RegExp(`/workspaces/application-${stack}-law$`));
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
    for (const pool of cluster["agentPoolProfiles"] as Record<string, unknown>[]) {
      expect(pool).toMatchObject({ enableEncryptionAtHost: true, securityProfile: { sshAccess: "Disabled" } });
    }
    expect(named(resources, `${stack}-aks-audit`).inputs).toMatchObject({
      resourceUri: expect.stringMatching(new RegExp(`/managedClusters/${stack}-aks$`)),
      workspaceId: workspace,
      logs: [{ categoryGroup: "audit", enabled: true }],
    });
  });

  it("applies the layer's monitoring network choice to the workspace and Application Insights alike", () => {
    const access = { publicNetworkAccessForIngestion: "Enabled", publicNetworkAccessForQuery: "Enabled" };
    expect(onlyResource(resources, T.workspace).inputs).toMatchObject(access);
    expect(onlyResource(resources, T.appInsights).inputs).toMatchObject({
      ...access,
      forceCustomerStorageForProfiler: true,
    });
  });

  it("keeps the Key Vault on its firewall without a private endpoint unless the layer asks for one", () => {
    expect(onlyResource(resources, T.vault).inputs["properties"]).toMatchObject({ publicNetworkAccess: "Enabled" });
    expect(resourcesOfType(resources, "azure-native:network:PrivateEndpoint")).toEqual([]);
  });

  it("makes Application Insights workspace-based with local auth disabled", () => {
    expect(onlyResource(resources, T.appInsights).inputs).toMatchObject({
      ingestionMode: "LogAnalytics",
      workspaceResourceId: expect.stringMatching(new RegExp(`/workspaces/application-${stack}-law$`)),
      disableLocalAuth: true,
    });
    expect(onlyResource(resources, T.workspace).inputs).toMatchObject({
      retentionInDays: prod ? 90 : 30,
      features: { disableLocalAuth: true },
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
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
      apiServerAccessProfile: { authorizedIPRanges: ["192.0.2.0/24", "198.51.100.16/28"] },
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
    const pools = cluster["agentPoolProfiles"] as Record<string, unknown>[];
    expect(pools.map((pool) => pool["mode"])).toEqual(["System", "User"]);
    for (const pool of pools) {
      expect(pool).toMatchObject({ osSKU: "AzureLinux", enableAutoScaling: true, minCount: 3, maxCount: 6 });
      if (prod) expect(pool["availabilityZones"]).toEqual(["1", "2", "3"]);
      else expect(pool).not.toHaveProperty("availabilityZones");
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
      owners: ["7d3e9a1c-2b4f-4c6d-8e0a-1f5b3c7d9e03"],
    });
    // Both sample layers use PIM: grants are schedules, and members are not managed (membership model: see
    // infra/components/privilegedAccess.test.ts).
    expect(developer["members"]).toBeUndefined();
    expect(operations["members"]).toBeUndefined();
  });

  it("assigns the role table to groups and the CSI identity, never to users, with deterministic names", () => {
    const assignments = resourcesOfType(resources, T.roleAssignment).map((assignment) => assignment.inputs);
    const expected: [string, string, string][] = [
      ["Group", AZURE_BUILT_IN_ROLES["Log Analytics Reader"], `/workspaces/application-${stack}-law`],
      ["Group", AZURE_BUILT_IN_ROLES["Monitoring Reader"], `/components/${stack}-ai`],
      ["Group", AZURE_BUILT_IN_ROLES["Key Vault Secrets Officer"], `/vaults/${stack}-apps-kv`],
      ["ServicePrincipal", AZURE_BUILT_IN_ROLES["Key Vault Secrets User"], `/vaults/${stack}-apps-kv`],
    ];
    expect(
      assignments.map((inputs) => [
        inputs["principalType"],
        String(inputs["roleDefinitionId"]).split("/").at(-1),
        String(inputs["scope"]).replace(/^.*(\/[^/]+\/[^/]+)$/, "$1"),
      ]),
    ).toEqual(expect.arrayContaining(expected));
    expect(assignments).toHaveLength(expected.length);
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
    });
  });
});

describe("the environment layer's security choices, the other way", () => {
  const SUBNET =
    "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/private-endpoints";
  const DNS_ZONE =
    "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";
  let resources: readonly RegisteredResource[];
  beforeAll(async () => {
    const prod = (REPO_SOURCES.layers.prod.text ?? "")
      .replace("altinn-apps:apiServerAccess: authorizedIpRanges", "altinn-apps:apiServerAccess: private")
      .replace(/( {2}altinn-apps:apiServerAuthorizedIpRanges:)\n(\s+- .*\n)+/, "$1 []\n")
      .replace("    ingestion: Enabled\n    query: Enabled", "    ingestion: Disabled\n    query: Disabled")
      .replace("nodeOsUpgradeChannel: NodeImage", "nodeOsUpgradeChannel: SecurityPatch")
      .concat(`  altinn-apps:keyVaultPrivateEndpoint:\n    subnetId: ${SUBNET}\n    privateDnsZoneId: ${DNS_ZONE}\n`);
    const root = writeRepository([ownerYaml("abc")], {
      ...REPO_SOURCES.layers,
      prod: { file: "Pulumi.prod.yaml", text: prod },
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
    resources = result.resources;
  });

  it("makes the cluster private, with no public ranges, and uses the chosen node OS channel", () => {
    const cluster = onlyResource(resources, T.cluster).inputs;
    expect(cluster["apiServerAccessProfile"]).toEqual({ disableRunCommand: true, enablePrivateCluster: true });
    expect(cluster["autoUpgradeProfile"]).toEqual({ upgradeChannel: "patch", nodeOSUpgradeChannel: "SecurityPatch" });
  });

  it("closes the workspace and Application Insights to public networks", () => {
    const closed = { publicNetworkAccessForIngestion: "Disabled", publicNetworkAccessForQuery: "Disabled" };
    expect(onlyResource(resources, T.workspace).inputs).toMatchObject(closed);
    expect(onlyResource(resources, T.appInsights).inputs).toMatchObject(closed);
  });

  it("gives the Key Vault a private endpoint with its DNS zone, and disables its public access", () => {
    expect(onlyResource(resources, T.vault).inputs["properties"]).toMatchObject({ publicNetworkAccess: "Disabled" });
    expect(onlyResource(resources, "azure-native:network:PrivateEndpoint").inputs).toMatchObject({
      privateEndpointName: "abc-prod-apps-kv-pe",
      subnet: { id: SUBNET },
      privateLinkServiceConnections: [
        { groupIds: ["vault"], privateLinkServiceId: expect.stringMatching(/\/vaults\/abc-prod-apps-kv$/) },
      ],
      tags: { "altinn:owner": "abc", "altinn:environment": "prod" },
    });
    expect(onlyResource(resources, "azure-native:network:PrivateDnsZoneGroup").inputs).toMatchObject({
      privateEndpointName: "abc-prod-apps-kv-pe",
      privateDnsZoneConfigs: [{ privateDnsZoneId: DNS_ZONE }],
    });
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
    const { resources, error } = await evaluateStack({
      stack: "abc-prod",
      fleet: loadFleet(root, TODAY),
      today: TODAY,
      directory,
    });
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
