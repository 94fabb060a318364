import { createHash } from "node:crypto";
import type { EnvironmentName, RoleName } from "./model/schema";
import type { ResourceNames } from "./model/resourceNames";

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

/** The names of one owner's resources: defined in the model, which validates what an owner file adopts against them. */
export { resourceNames, type ResourceNames } from "./model/resourceNames";

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

/**
 * What every PIM schedule (assignment or eligibility) to a role's group is named with: the policy
 * prod-operations-just-in-time recognises the Operations group's schedules by it, so both sides take it from here.
 */
export function privilegedSchedulePrefix(org: string, environment: EnvironmentName, role: RoleName): string {
  return `${accessGroupNames(org, environment, role).mailNickname}-`;
}

/** A PIM schedule's resource name: one per user and role group. */
export function privilegedScheduleName(org: string, environment: EnvironmentName, role: RoleName, upn: string): string {
  return `${privilegedSchedulePrefix(org, environment, role)}${upn}`;
}

export function appHostname(org: string, appDnsBase: string): string {
  return `${org}.${appDnsBase}`;
}

export {
  ADOPTABLE,
  ADOPTABLE_KINDS,
  adoptedImportId,
  adoptionProblem,
  type AdoptableKind,
  type AdoptionTarget,
} from "./model/resourceNames";
