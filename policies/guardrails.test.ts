import type { AgentPoolArgs, ManagedClusterArgs } from "@pulumi/azure-native/containerservice";
import type { VaultArgs } from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import { describe, expect, it } from "vitest";
import { aksHardened } from "./aksHardened";
import { aksOwnerNetwork } from "./aksOwnerNetwork";
import { aksSecurityBaseline } from "./aksSecurityBaseline";
import { allowedLocations } from "./allowedLocations";
import { appInsightsWorkspaceBased } from "./appInsightsWorkspaceBased";
import { azureResourcesTagged } from "./azureResourcesTagged";
import { keyVaultHardened } from "./keyVaultHardened";
import { keyVaultNetworkRestricted } from "./keyVaultNetworkRestricted";
import { logAnalyticsEntraOnly } from "./logAnalyticsEntraOnly";
import { prodStatefulProtected } from "./prodStatefulProtected";
import { roleAssignmentsToGroupsOnly } from "./roleAssignmentsToGroupsOnly";
import { isNotApplicable, registry, resource, tags, taggedResource, TYPES, violations } from "./testing/fixtures";

const VAULT_PROPERTIES = {
  tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01",
  sku: { family: "A", name: "standard" },
  enableRbacAuthorization: true,
  enableSoftDelete: true,
  enablePurgeProtection: true,
  networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] },
};
const vault = (changes: Record<string, unknown> = {}) =>
  taggedResource(TYPES.vault, { properties: { ...VAULT_PROPERTIES, ...changes } });

describe("keyvault-hardened", () => {
  it("passes a hardened vault", async () => {
    expect(await violations(keyVaultHardened, vault())).toEqual([]);
  });
  it.each([
    [{ enableRbacAuthorization: false }, /^enableRbacAuthorization must be true/],
    [{ enableRbacAuthorization: undefined }, /^enableRbacAuthorization must be true/],
    [{ enableSoftDelete: false }, /^enableSoftDelete must be true$/],
    [{ enablePurgeProtection: undefined }, /^enablePurgeProtection must be true$/],
    [{ networkAcls: { defaultAction: "Allow" } }, /^networkAcls.defaultAction must be "Deny" \(is "Allow"\)$/],
    [{ networkAcls: undefined }, /^networkAcls.defaultAction must be "Deny" \(is undefined\)$/],
    [
      { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "0.0.0.0/1" }, { value: "128.0.0.0/1" }] } },
      /^networkAcls.ipRules: together the ranges admit every IPv4 address/,
    ],
    [{ networkAcls: { defaultAction: "Deny", ipRules: [{ value: "10.0.0.0/12" }] } }, /admit 10.0.0.0\/12, wider/],
    [{ networkAcls: { defaultAction: "Deny", ipRules: [{ value: "10.0.0.1/24" }] } }, /host bits set/],
  ])("refuses %j", async (changes, message) => {
    expect(await violations(keyVaultHardened, vault(changes))).toEqual([expect.stringMatching(message)]);
  });
  it("applies only to vaults", async () => {
    expect(await isNotApplicable(keyVaultHardened, taggedResource(TYPES.workspace, {}))).toBe(true);
  });
});

const CLUSTER = {
  aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ["x"] },
  disableLocalAccounts: true,
  oidcIssuerProfile: { enabled: true },
  securityProfile: { workloadIdentity: { enabled: true } },
  apiServerAccessProfile: { authorizedIPRanges: ["192.0.2.0/24"] },
  addonProfiles: { omsagent: { enabled: true, config: {} } },
};
const cluster = (changes: Record<string, unknown> = {}) => taggedResource(TYPES.cluster, { ...CLUSTER, ...changes });

describe("aks-hardened", () => {
  it("passes a hardened cluster, and a private one without IP ranges", async () => {
    expect(await violations(aksHardened, cluster())).toEqual([]);
    expect(await violations(aksHardened, cluster({ apiServerAccessProfile: { enablePrivateCluster: true } }))).toEqual(
      [],
    );
  });
  it.each([
    [
      { aadProfile: undefined },
      ["aadProfile.managed must be true (Entra ID managed integration)", "aadProfile.enableAzureRBAC must be true"],
    ],
    [{ aadProfile: { managed: true, enableAzureRBAC: false } }, ["aadProfile.enableAzureRBAC must be true"]],
    [{ disableLocalAccounts: false }, ["disableLocalAccounts must be true"]],
    [{ oidcIssuerProfile: undefined }, ["oidcIssuerProfile.enabled must be true"]],
    [{ securityProfile: {} }, ["securityProfile.workloadIdentity.enabled must be true"]],
    [
      { apiServerAccessProfile: undefined },
      ["the API server is public with no authorizedIPRanges: restrict it, or make the cluster private"],
    ],
    [
      { apiServerAccessProfile: { authorizedIPRanges: ["0.0.0.0/0"] } },
      ["apiServerAccessProfile.authorizedIPRanges: together the ranges admit every IPv4 address: the whole internet"],
    ],
    [
      { apiServerAccessProfile: { authorizedIPRanges: ["1.2.3.4/0"] } },
      ['apiServerAccessProfile.authorizedIPRanges: "1.2.3.4/0" has host bits set: the network is 0.0.0.0/0'],
    ],
    [
      { apiServerAccessProfile: { authorizedIPRanges: ["10.0.0.0/16", "10.1.0.0/16"] } },
      [
        "apiServerAccessProfile.authorizedIPRanges: together the ranges admit 10.0.0.0/15, wider than the allowed /16 (10.0.0.0-10.1.255.255)",
      ],
    ],
    [
      { addonProfiles: { omsagent: { enabled: false } } },
      ["the monitoring add-on (addonProfiles.omsagent) must be enabled"],
    ],
    [{ addonProfiles: undefined }, ["the monitoring add-on (addonProfiles.omsagent) must be enabled"]],
  ])("refuses %j", async (changes, expected) => {
    expect(await violations(aksHardened, cluster(changes))).toEqual(expected);
  });
});

describe("appinsights-workspace-based", () => {
  const component = (changes: Record<string, unknown> = {}) =>
    taggedResource(TYPES.appInsights, {
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/z",
      disableLocalAuth: true,
      ...changes,
    });
  it("passes a workspace-based component with local auth disabled", async () => {
    expect(await violations(appInsightsWorkspaceBased, component())).toEqual([]);
  });
  it.each([
    [{ ingestionMode: "ApplicationInsights" }, 'ingestionMode must be "LogAnalytics" (is "ApplicationInsights")'],
    [{ workspaceResourceId: undefined }, "workspaceResourceId must name the Log Analytics workspace"],
    [{ disableLocalAuth: false }, "disableLocalAuth must be true: Entra ID authentication only"],
  ])("refuses %j", async (changes, message) => {
    expect(await violations(appInsightsWorkspaceBased, component(changes))).toEqual([message]);
  });
});

describe("role-assignments-to-groups-only", () => {
  const assignment = (principalType: string | undefined) =>
    resource(TYPES.roleAssignment, { principalType, principalId: "p" });
  it.each(["Group", "ServicePrincipal"])("passes %s", async (principalType) => {
    expect(await violations(roleAssignmentsToGroupsOnly, assignment(principalType))).toEqual([]);
  });
  it.each(["User", "ForeignGroup", undefined])("refuses %s", async (principalType) => {
    expect(await violations(roleAssignmentsToGroupsOnly, assignment(principalType))).toEqual([
      expect.stringMatching(/^principalType must be Group or ServicePrincipal/),
    ]);
  });
});

describe("azure-resources-tagged", () => {
  it("passes matching tags and ignores untaggable types", async () => {
    expect(await violations(azureResourcesTagged, taggedResource(TYPES.workspace, {}))).toEqual([]);
    expect(await violations(azureResourcesTagged, resource(TYPES.roleAssignment, {}))).toEqual([]);
  });
  it("refuses missing, contradicting and partial tags", async () => {
    expect(await violations(azureResourcesTagged, resource(TYPES.workspace, {}))).toEqual([
      'tag "altinn:owner" is missing (expected "digdir")',
      'tag "altinn:environment" is missing (expected "prod")',
    ]);
    expect(await violations(azureResourcesTagged, resource(TYPES.workspace, { tags: tags("digdir", "tt02") }))).toEqual(
      ['tag "altinn:environment" is "tt02" but the stack says "prod"'],
    );
  });
  it("treats an Azure type it does not know as taggable (fail closed)", async () => {
    expect(await violations(azureResourcesTagged, resource("azure-native:storage:StorageAccount", {}))).toHaveLength(2);
  });
});

describe("allowed-locations", () => {
  const config = { "allowed-locations": { registry: registry() } };
  it("passes allowed regions for resources and the provider", async () => {
    expect(await violations(allowedLocations, taggedResource(TYPES.vault, {}), config)).toEqual([]);
    expect(
      await violations(allowedLocations, resource(TYPES.azureProvider, { location: "norwayeast" }), config),
    ).toEqual([]);
    const tt02 = taggedResource(TYPES.vault, { location: "westeurope" }, "digdir-tt02");
    expect(await violations(allowedLocations, tt02, config)).toEqual([]);
  });
  it("refuses other regions and a missing location", async () => {
    expect(await violations(allowedLocations, taggedResource(TYPES.vault, { location: "westeurope" }), config)).toEqual(
      ['location "westeurope" is not allowed in prod (allowed: norwayeast)'],
    );
    expect(await violations(allowedLocations, resource(TYPES.vault, {}), config)).toEqual([
      "location must be set explicitly to one of: norwayeast",
    ]);
  });
  // The policy never reads the repository's layers: without the registry in its config, every region is refused.
  it("fails closed without config, naming the missing registry", async () => {
    const missing = [
      "no allowed regions are known: the policy config has no registry (write it from the fleet with `npm run policy-config` and pass it with --policy-pack-config)",
    ];
    expect(await violations(allowedLocations, taggedResource(TYPES.vault, {}))).toEqual(missing);
    expect(await violations(allowedLocations, resource(TYPES.azureProvider, { location: "norwayeast" }))).toEqual(
      missing,
    );
    const invalid = { "allowed-locations": { registry: { allowedLocations: { prod: "norwayeast" } } } };
    expect((await violations(allowedLocations, taggedResource(TYPES.vault, {}), invalid))[0]).toMatch(
      /^no allowed regions are known: the registry in policy config is invalid \(/,
    );
  });
});

describe("prod-stateful-protected", () => {
  it.each([TYPES.resourceGroup, TYPES.cluster, TYPES.vault, TYPES.workspace])(
    "requires protect on %s in prod",
    async (type) => {
      expect(await violations(prodStatefulProtected, taggedResource(type, {}, "digdir-prod", true))).toEqual([]);
      expect(await violations(prodStatefulProtected, taggedResource(type, {}, "digdir-prod", false))).toEqual([
        "subject must have protect: true in prod, so removing an owner cannot destroy it",
      ]);
    },
  );
  it("does not apply in tt02 or to stateless resources", async () => {
    expect(await isNotApplicable(prodStatefulProtected, taggedResource(TYPES.cluster, {}, "digdir-tt02"))).toBe(true);
    expect(await violations(prodStatefulProtected, taggedResource(TYPES.appInsights, {}))).toEqual([]);
  });
});

const BASELINE_CLUSTER = {
  addonProfiles: { azurepolicy: { enabled: true }, omsagent: { enabled: true } },
  apiServerAccessProfile: { disableRunCommand: true, authorizedIPRanges: ["192.0.2.0/24"] },
  securityProfile: {
    imageCleaner: { enabled: true, intervalHours: 168 },
    defender: {
      logAnalyticsWorkspaceResourceId:
        "/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/z",
      securityMonitoring: { enabled: true },
    },
  },
  autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
};
const baselineCluster = (changes: Record<string, unknown> = {}) =>
  taggedResource(TYPES.cluster, { ...BASELINE_CLUSTER, ...changes });

describe("aks-security-baseline", () => {
  it("passes a cluster with every baseline control, with either node OS channel", async () => {
    expect(await violations(aksSecurityBaseline, baselineCluster())).toEqual([]);
    const securityPatch = baselineCluster({
      autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "SecurityPatch" },
    });
    expect(await violations(aksSecurityBaseline, securityPatch)).toEqual([]);
  });
  it.each([
    [
      { addonProfiles: { omsagent: { enabled: true } } },
      "the Azure Policy add-on (addonProfiles.azurepolicy) must be enabled",
    ],
    [
      { apiServerAccessProfile: { authorizedIPRanges: ["192.0.2.0/24"] } },
      "apiServerAccessProfile.disableRunCommand must be true",
    ],
    [
      { securityProfile: { ...BASELINE_CLUSTER.securityProfile, imageCleaner: { enabled: false } } },
      "securityProfile.imageCleaner.enabled must be true",
    ],
    [
      { securityProfile: { imageCleaner: { enabled: true } } },
      "securityProfile.defender must enable security monitoring into the owner's Log Analytics workspace",
    ],
    [
      { securityProfile: { ...BASELINE_CLUSTER.securityProfile, defender: { securityMonitoring: { enabled: true } } } },
      "securityProfile.defender must enable security monitoring into the owner's Log Analytics workspace",
    ],
    [
      { autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "None" } },
      'autoUpgradeProfile.nodeOSUpgradeChannel must be NodeImage or SecurityPatch (is "None")',
    ],
    [
      { autoUpgradeProfile: { upgradeChannel: "patch" } },
      "autoUpgradeProfile.nodeOSUpgradeChannel must be NodeImage or SecurityPatch (is undefined)",
    ],
  ])("refuses %j", async (changes, message) => {
    expect(await violations(aksSecurityBaseline, baselineCluster(changes))).toEqual([message]);
  });
});

describe("loganalytics-entra-only", () => {
  it("passes a workspace with local auth disabled and refuses one without", async () => {
    expect(
      await violations(
        logAnalyticsEntraOnly,
        taggedResource(TYPES.workspace, { features: { disableLocalAuth: true } }),
      ),
    ).toEqual([]);
    for (const features of [undefined, {}, { disableLocalAuth: false }]) {
      expect(await violations(logAnalyticsEntraOnly, taggedResource(TYPES.workspace, { features }))).toEqual([
        "features.disableLocalAuth must be true: no shared-key ingestion",
      ]);
    }
  });

  it("lets only an owner's platform workspace keep shared keys (Defender), closed to resource-context reads", async () => {
    const workspace = (workspaceName: string, enableLogAccessUsingOnlyResourcePermissions?: boolean) =>
      taggedResource(TYPES.workspace, {
        workspaceName,
        features: { disableLocalAuth: false, enableLogAccessUsingOnlyResourcePermissions },
      });
    expect(await violations(logAnalyticsEntraOnly, workspace("platform-digdir-prod-law", false))).toEqual([]);
    expect(await violations(logAnalyticsEntraOnly, workspace("platform-digdir-prod-law", true))).toEqual([
      "a platform workspace with shared keys must set features.enableLogAccessUsingOnlyResourcePermissions to false",
    ]);
    expect(await violations(logAnalyticsEntraOnly, workspace("application-digdir-prod-law", false))).toEqual([
      "features.disableLocalAuth must be true: no shared-key ingestion",
    ]);
  });
});

describe("allowed-locations for global resources", () => {
  const config = { "allowed-locations": { registry: registry() } };
  it("accepts only global for private DNS zones and their links", async () => {
    const zone = (location: string) =>
      taggedResource("azure-native:privatedns:PrivateZone", {
        location,
        privateZoneName: "privatelink.vaultcore.azure.net",
      });
    expect(await violations(allowedLocations, zone("global"), config)).toEqual([]);
    expect(await violations(allowedLocations, zone("norwayeast"), config)).toEqual([
      'location "norwayeast" is not allowed in prod (allowed: global)',
    ]);
  });
});

const OWNER_SUBNET =
  "/subscriptions/4bd4acb4-315a-4f7e-81d4-50ca76b78f51/resourceGroups/altinnapps-digdir-prod-rg/providers/Microsoft.Network/virtualNetworks/digdir-prod-vnet/subnets/nodes";

describe("keyvault-network-restricted", () => {
  const vaultArgs = (virtualNetworkRules: { id: string }[]) =>
    ({
      resourceGroupName: "altinnapps-digdir-prod-rg",
      vaultName: "digdir-prod-apps-kv",
      properties: {
        tenantId: "0c4a8a5e-1f6e-4f57-9b4c-3a2a6a1d0e01",
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        networkAcls: { defaultAction: "Deny", virtualNetworkRules },
      },
    }) satisfies VaultArgs;

  it("passes a vault that admits its own resource group's subnet, or none", async () => {
    expect(
      await violations(keyVaultNetworkRestricted, taggedResource(TYPES.vault, vaultArgs([{ id: OWNER_SUBNET }]))),
    ).toEqual([]);
    expect(await violations(keyVaultNetworkRestricted, taggedResource(TYPES.vault, vaultArgs([])))).toEqual([]);
  });
  it("refuses another owner's subnet, a shared one, and an id that is not a subnet", async () => {
    const other = OWNER_SUBNET.replace("altinnapps-digdir-prod-rg", "altinnapps-brg-prod-rg");
    const notSubnet =
      "/subscriptions/x/resourceGroups/altinnapps-digdir-prod-rg/providers/Microsoft.Network/virtualNetworks/v";
    expect(
      await violations(
        keyVaultNetworkRestricted,
        taggedResource(TYPES.vault, vaultArgs([{ id: OWNER_SUBNET }, { id: other }, { id: notSubnet }])),
      ),
    ).toEqual([
      'networkAcls.virtualNetworkRules[1] admits a subnet in resource group "altinnapps-brg-prod-rg", not the vault\'s own "altinnapps-digdir-prod-rg"',
      `networkAcls.virtualNetworkRules[2].id is not a subnet's resource id: ${notSubnet}`,
    ]);
  });
  it("compares resource groups as Azure does, ignoring case", async () => {
    const upper = OWNER_SUBNET.replace("altinnapps-digdir-prod-rg", "ALTINNAPPS-DIGDIR-PROD-RG");
    expect(
      await violations(keyVaultNetworkRestricted, taggedResource(TYPES.vault, vaultArgs([{ id: upper }]))),
    ).toEqual([]);
  });
});

describe("aks-owner-network", () => {
  const pool = {
    name: "system",
    mode: "System",
    vnetSubnetID: OWNER_SUBNET,
    securityProfile: { sshAccess: "Disabled" },
  } satisfies inputs.containerservice.ManagedClusterAgentPoolProfileArgs;
  const clusterArgs = (changes: Partial<ManagedClusterArgs> = {}) =>
    ({
      resourceGroupName: "altinnapps-digdir-prod-rg",
      networkProfile: { networkPlugin: "azure", outboundType: "userAssignedNATGateway" },
      agentPoolProfiles: [pool],
      ...changes,
    }) satisfies ManagedClusterArgs;
  const agentPoolArgs = (changes: Partial<AgentPoolArgs> = {}) =>
    ({
      resourceGroupName: "altinnapps-digdir-prod-rg",
      resourceName: "digdir-prod-aks",
      vnetSubnetID: OWNER_SUBNET,
      securityProfile: { sshAccess: "Disabled" },
      ...changes,
    }) satisfies AgentPoolArgs;

  it("passes a cluster egressing through the NAT gateway with every pool on the subnet", async () => {
    expect(await violations(aksOwnerNetwork, taggedResource(TYPES.cluster, clusterArgs()))).toEqual([]);
    expect(await violations(aksOwnerNetwork, resource(TYPES.agentPool, agentPoolArgs()))).toEqual([]);
  });
  it.each([
    [
      { networkProfile: { outboundType: "loadBalancer" } },
      ['networkProfile.outboundType must be "userAssignedNATGateway" (is "loadBalancer")'],
    ],
    [{ networkProfile: undefined }, ['networkProfile.outboundType must be "userAssignedNATGateway" (is undefined)']],
    [
      {
        agentPoolProfiles: [{ ...pool, vnetSubnetID: undefined, enableNodePublicIP: true, securityProfile: undefined }],
      },
      [
        "agentPoolProfiles[0].vnetSubnetID must name the owner network's node subnet",
        "agentPoolProfiles[0].enableNodePublicIP must not be true",
        "agentPoolProfiles[0].securityProfile.sshAccess must be Disabled",
      ],
    ],
  ] satisfies [Partial<ManagedClusterArgs>, string[]][])("refuses the cluster %j", async (changes, expected) => {
    expect(await violations(aksOwnerNetwork, taggedResource(TYPES.cluster, clusterArgs(changes)))).toEqual(expected);
  });
  it("refuses an apps pool off the subnet, with node public IPs or SSH", async () => {
    const bad = agentPoolArgs({
      vnetSubnetID: undefined,
      enableNodePublicIP: true,
      securityProfile: { sshAccess: "LocalUser" },
    });
    expect(await violations(aksOwnerNetwork, resource(TYPES.agentPool, bad))).toEqual([
      "the pool.vnetSubnetID must name the owner network's node subnet",
      "the pool.enableNodePublicIP must not be true",
      "the pool.securityProfile.sshAccess must be Disabled",
    ]);
  });
});
