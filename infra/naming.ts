import { createHash } from "node:crypto";
import type { EnvironmentName, RoleName } from "./model";

/** Every physical name this project gives an Azure or Entra ID object, and the limit each must respect. */

export interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
}

export const NAME_RULES = {
  resourceGroup: { min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  logAnalyticsWorkspace: { min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  applicationInsights: { min: 1, max: 260, pattern: /^[^%&\\?/]+$/ },
  keyVault: { min: 3, max: 24, pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/ },
  managedCluster: { min: 1, max: 63, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  dnsPrefix: { min: 1, max: 54, pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  agentPool: { min: 1, max: 12, pattern: /^[a-z][a-z0-9]*$/ },
  mailNickname: { min: 1, max: 64, pattern: /^[A-Za-z0-9._-]+$/ },
  diagnosticSetting: { min: 1, max: 260, pattern: /^[^*<>%&:\\?/+]+$/ },
  privateEndpoint: { min: 2, max: 64, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/ },
  virtualNetwork: { min: 2, max: 64, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/ },
  subnet: { min: 1, max: 80, pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/ },
  natGateway: { min: 1, max: 80, pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/ },
  publicIpPrefix: { min: 1, max: 80, pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/ },
  managedIdentity: { min: 3, max: 128, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/ },
  federatedCredential: { min: 3, max: 120, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/ },
  dataCollectionRule: { min: 1, max: 64, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/ },
  privateDnsZoneLink: { min: 1, max: 80, pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/ },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

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

/** Which rule each physical name must satisfy. */
export const NAME_KINDS: Record<keyof ResourceNames, NameKind> = {
  clusterResourceGroup: "resourceGroup",
  monitorResourceGroup: "resourceGroup",
  clusterNodeResourceGroup: "resourceGroup",
  logAnalyticsWorkspace: "logAnalyticsWorkspace",
  platformWorkspace: "logAnalyticsWorkspace",
  applicationInsights: "applicationInsights",
  keyVault: "keyVault",
  keyVaultDiagnostics: "diagnosticSetting",
  keyVaultPrivateEndpoint: "privateEndpoint",
  clusterDiagnostics: "diagnosticSetting",
  managedCluster: "managedCluster",
  dnsPrefix: "dnsPrefix",
  systemPool: "agentPool",
  virtualNetwork: "virtualNetwork",
  nodeSubnet: "subnet",
  endpointSubnet: "subnet",
  natGateway: "natGateway",
  egressIpPrefix: "publicIpPrefix",
  clusterIdentity: "managedIdentity",
  appIdentity: "managedIdentity",
  appFederatedCredential: "federatedCredential",
  keyVaultDnsZoneLink: "privateDnsZoneLink",
};

/**
 * Whether a workspace is an owner environment's platform workspace (resourceNames().platformWorkspace), the one that
 * keeps shared keys for Defender (infra/components/monitoring.ts): shared between the program and the policy pack.
 */
export function isPlatformWorkspaceName(name: string): boolean {
  return /^platform-[a-z][a-z0-9]{1,7}-(tt02|prod)-law$/.test(name);
}

/** The Container Insights data collection rule, named as Azure's own onboarding names it: `MSCI-<region>-<cluster>`. */
export function containerInsightsRuleName(location: string, managedCluster: string): string {
  return `MSCI-${location}-${managedCluster}`;
}

/** The settings AKS fixes when a node pool is created: changing any of them needs a new pool. */
export interface PoolCreationSettings {
  readonly vmSize: string;
  readonly availabilityZones: readonly string[];
  readonly osSKU: string;
  readonly enableEncryptionAtHost: boolean;
  /** The node subnet's address range (its id is only known once it exists). */
  readonly subnet: string;
}

/**
 * A pool's name from its creation settings: `apps` and a 6-character hash. A change to any of them gives a new
 * name, so Pulumi creates the new pool before it deletes the old one (a roll, not a refused update); a change to
 * anything else (counts, labels, version) keeps the name and is an update in place.
 */
export function agentPoolName(prefix: string, settings: PoolCreationSettings): string {
  const canonical = JSON.stringify([
    settings.vmSize.toLowerCase(),
    [...settings.availabilityZones].sort(),
    settings.osSKU,
    settings.enableEncryptionAtHost,
    settings.subnet,
  ]);
  return `${prefix}${createHash("sha256").update(canonical).digest("hex").slice(0, 6)}`;
}

export function violatesNameRule(name: string, kind: NameKind): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length < rule.min || name.length > rule.max) {
    return `${kind} name "${name}" must be ${rule.min}-${rule.max} characters (is ${name.length})`;
  }
  if (!rule.pattern.test(name)) return `${kind} name "${name}" has characters Azure does not allow`;
  return undefined;
}

const ENVIRONMENT_TITLES: Record<EnvironmentName, string> = { tt02: "Test", prod: "Prod" };
const ROLE_TITLES: Record<RoleName, string> = { developer: "Developer", operations: "Operations" };

/** Entra ID group for one of the four roles: `Altinn Apps digdir Prod Developer`, mail nickname `altinn-apps-digdir-prod-developer`. */
export function accessGroupNames(org: string, environment: EnvironmentName, role: RoleName) {
  return {
    displayName: `Altinn Apps ${org} ${ENVIRONMENT_TITLES[environment]} ${ROLE_TITLES[role]}`,
    mailNickname: `altinn-apps-${org}-${environment}-${role}`,
    description: `${ENVIRONMENT_TITLES[environment]} ${ROLE_TITLES[role]} for Altinn service owner ${org}. Managed by altinn-apps-infra from stacks/${org}.yaml: change membership by pull request.`,
  };
}

export function appHostname(org: string, appDnsBase: string): string {
  return `${org}.${appDnsBase}`;
}

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
