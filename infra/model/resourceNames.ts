import type { EnvironmentName, RoleName } from "./schema";

/**
 * The Azure names of one owner environment's resources, and what of them an owner file may adopt: in the model
 * because validation checks adopted ids against these names (infra/naming.ts re-exports them with the other rules).
 */

/** The names of one owner's resources in one environment. */
export function resourceNames(org: string, environment: EnvironmentName) {
  const base = `${org}-${environment}`;
  return {
    clusterResourceGroup: `altinnapps-${base}-rg`,
    monitorResourceGroup: `monitor-${base}-rg`,
    clusterNodeResourceGroup: `altinnapps-${base}-nodes-rg`,
    logAnalyticsWorkspace: `application-${base}-law`,
    /** Control-plane audit, Key Vault audit and Defender: read by the platform only (infra/roles.ts). */
    platformWorkspace: `platform-${base}-law`,
    applicationInsights: `${base}-ai`,
    keyVault: `${base}-apps-kv`,
    keyVaultDiagnostics: `${base}-apps-kv-audit`,
    keyVaultPrivateEndpoint: `${base}-apps-kv-pe`,
    clusterDiagnostics: `${base}-aks-audit`,
    managedCluster: `${base}-aks`,
    dnsPrefix: `${base}-aks`,
    /** Fixed: the system pool lives inline in the cluster and is never rolled by the program (README, day-2 rules). */
    systemPool: "system",
    virtualNetwork: `${base}-vnet`,
    nodeSubnet: "nodes",
    endpointSubnet: "endpoints",
    natGateway: `${base}-natgw`,
    egressIpPrefix: `${base}-egress-ippre`,
    clusterIdentity: `${base}-aks-id`,
    appIdentity: `${base}-apps-id`,
    appFederatedCredential: `${base}-apps-aks`,
    keyVaultDnsZoneLink: `${base}-vnet-link`,
  } as const;
}

export type ResourceNames = ReturnType<typeof resourceNames>;

/**
 * What an owner environment may adopt (`environments.<env>.adopt` in its owner file): resources Altinn's owners
 * already have under exactly these names, imported with Pulumi's `import` option instead of created. An Azure kind
 * names the resource group it must be in and its ARM type; an Entra group is given by object id.
 */
export const ADOPTABLE = {
  clusterResourceGroup: { name: "clusterResourceGroup" },
  monitorResourceGroup: { name: "monitorResourceGroup" },
  logAnalyticsWorkspace: {
    name: "logAnalyticsWorkspace",
    resourceGroup: "monitorResourceGroup",
    armType: "Microsoft.OperationalInsights/workspaces",
  },
  applicationInsights: {
    name: "applicationInsights",
    resourceGroup: "monitorResourceGroup",
    armType: "Microsoft.Insights/components",
  },
  keyVault: { name: "keyVault", resourceGroup: "clusterResourceGroup", armType: "Microsoft.KeyVault/vaults" },
  managedCluster: {
    name: "managedCluster",
    resourceGroup: "clusterResourceGroup",
    armType: "Microsoft.ContainerService/managedClusters",
  },
  developerGroup: { role: "developer" },
  operationsGroup: { role: "operations" },
} as const satisfies Record<
  string,
  | { readonly name: keyof ResourceNames; readonly resourceGroup?: keyof ResourceNames; readonly armType?: string }
  | { readonly role: RoleName }
>;
export type AdoptableKind = keyof typeof ADOPTABLE;
export const ADOPTABLE_KINDS = Object.keys(ADOPTABLE) as [AdoptableKind, ...AdoptableKind[]];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/providers\/([^/]+\/[^/]+)\/([^/]+))?$/i;

export interface AdoptionTarget {
  readonly org: string;
  readonly environment: EnvironmentName;
  readonly subscriptionId: string;
}

/** What the naming table expects of an adopted Azure resource: its name, its resource group and its canonical id. */
function expectedArmResource(
  rule: { readonly name: keyof ResourceNames; readonly resourceGroup?: keyof ResourceNames; readonly armType?: string },
  target: AdoptionTarget,
): { name: string; groupName: string; armType?: string; id: string } {
  const names = resourceNames(target.org, target.environment);
  const groupName = names[rule.resourceGroup ?? rule.name];
  const group = `/subscriptions/${target.subscriptionId}/resourceGroups/${groupName}`;
  const id = rule.armType ? `${group}/providers/${rule.armType}/${names[rule.name]}` : group;
  return { name: names[rule.name], groupName, id, ...(rule.armType && { armType: rule.armType }) };
}

/**
 * The id Pulumi imports an adopted resource by: the canonical ARM id this program would give the resource (the
 * value in the owner file may differ only in the case of ARM's fixed segments), or `/groups/<object id>` for an
 * Entra group (@pulumi/azuread group.d.ts, "## Import"). Undefined when the value is not acceptable.
 */
export function adoptedImportId(kind: AdoptableKind, value: string, target: AdoptionTarget): string | undefined {
  if (adoptionProblem(kind, value, target) !== undefined) return undefined;
  const rule = ADOPTABLE[kind];
  return "role" in rule ? `/groups/${value}` : expectedArmResource(rule, target).id;
}

/** Why `value` cannot be adopted as `kind` for this owner environment, or undefined when it can. */
export function adoptionProblem(kind: AdoptableKind, value: string, target: AdoptionTarget): string | undefined {
  const rule = ADOPTABLE[kind];
  if ("role" in rule) {
    return GUID.test(value)
      ? undefined
      : `must be the object id (a lower-case GUID) of the existing Entra ID group for ${rule.role}`;
  }
  const expected = expectedArmResource(rule, target);
  const match = ARM_ID.exec(value);
  const [, subscription, group, armType, name] = match ?? [];
  if (!match || Boolean(armType) !== Boolean(expected.armType))
    return `must be an Azure resource id like ${expected.id}`;
  if (subscription?.toLowerCase() !== target.subscriptionId)
    return `is in subscription ${subscription}, not this environment's ${target.subscriptionId}`;
  if (expected.armType && armType?.toLowerCase() !== expected.armType.toLowerCase())
    return `is a ${armType}, not a ${expected.armType}`;
  const found = expected.armType ? name : group;
  if (found !== expected.name)
    return `names "${found}", but this repository names it "${expected.name}" (infra/naming.ts): only a resource with exactly that name can be adopted`;
  if (group !== expected.groupName)
    return `is in resource group "${group}", but this repository puts it in "${expected.groupName}" (infra/naming.ts)`;
  return undefined;
}
